// Finds libPetradGDCM.so the first time DICOM is read and forwards each petrad_dicom_ call to
// its petrad_gdcm_ function.
#define _GNU_SOURCE
#include "CDICOM.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const libraryName = "libPetradGDCM.so";

static struct {
    PetradDicomFile *(*open)(const char *, int, char *, int);
    void (*close)(PetradDicomFile *);
    int (*probe)(const char *, int, int, char *, int);
    long (*string)(const PetradDicomFile *, const uint32_t *, int, char *, long);
    long (*itemCount)(const PetradDicomFile *, const uint32_t *, int);
    long (*bytes)(const PetradDicomFile *, const uint32_t *, int, uint8_t *, long);
    int (*imageSize)(const PetradDicomFile *, uint32_t *, uint32_t *, uint32_t *, uint32_t *);
    long (*pixels)(const PetradDicomFile *, double *, long, char *, int);
    int (*write)(const char *, int, const uint32_t *, const char *const *,
                 const char *const *, const int16_t *, int, int, char *, int);
} gdcm;

static pthread_once_t loadOnce = PTHREAD_ONCE_INIT;
static int loaded = 0;
static char loadError[1536];

/// dlopen of `libraryName` in the directory of `file` (a path to a file); NULL when the path
/// is too long or the library is not there.
static void *openBeside(const char *file, char *tried, size_t capacity) {
    char path[PATH_MAX];
    const char *slash = strrchr(file, '/');
    if (slash == NULL) return NULL;
    size_t directory = (size_t)(slash - file) + 1;
    if (directory + strlen(libraryName) + 1 > sizeof path) return NULL;
    memcpy(path, file, directory);
    strcpy(path + directory, libraryName);
    size_t used = strlen(tried);
    snprintf(tried + used, capacity - used, "%s%s", used > 0 ? ", " : "", path);
    return access(path, F_OK) == 0 ? dlopen(path, RTLD_NOW | RTLD_LOCAL) : NULL;
}

/// True when the two file paths have the same directory part.
static int sameDirectory(const char *a, const char *b) {
    const char *slashA = strrchr(a, '/'), *slashB = strrchr(b, '/');
    if (slashA == NULL || slashB == NULL) return slashA == slashB;
    return slashA - a == slashB - b && strncmp(a, b, (size_t)(slashA - a)) == 0;
}

static void *openLibrary(char *tried, size_t capacity) {
    const char *chosen = getenv("PETRAD_GDCM_LIBRARY");
    if (chosen != NULL && chosen[0] != '\0') {
        snprintf(tried, capacity, "%s (PETRAD_GDCM_LIBRARY)", chosen);
        return dlopen(chosen, RTLD_NOW | RTLD_LOCAL);
    }
    char executable[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", executable, sizeof executable - 1);
    if (length > 0) {
        executable[length] = '\0';
        void *handle = openBeside(executable, tried, capacity);
        if (handle != NULL) return handle;
    }
    // A test bundle or another program linking petrad's libraries: beside that object, unless
    // it is the executable itself.
    Dl_info info;
    if (dladdr((void *)&openLibrary, &info) != 0 && info.dli_fname != NULL
        && !(length > 0 && sameDirectory(info.dli_fname, executable))) {
        void *handle = openBeside(info.dli_fname, tried, capacity);
        if (handle != NULL) return handle;
    }
    size_t used = strlen(tried);
    snprintf(tried + used, capacity - used, "%sthe library path", used > 0 ? ", " : "");
    return dlopen(libraryName, RTLD_NOW | RTLD_LOCAL);
}

static void load(void) {
    char tried[1024] = "";
    void *handle = openLibrary(tried, sizeof tried);
    if (handle == NULL) {
        const char *why = dlerror();
        snprintf(loadError, sizeof loadError,
                 "reading DICOM needs %s, petrad's GDCM part, which scripts/setup.sh builds "
                 "beside the petrad executable (swift build --product PetradGDCM); looked in "
                 "%s (%s)", libraryName, tried, why ? why : "not found");
        return;
    }
    struct { void **slot; const char *name; } symbols[] = {
        {(void **)&gdcm.open, "petrad_gdcm_open"},
        {(void **)&gdcm.close, "petrad_gdcm_close"},
        {(void **)&gdcm.probe, "petrad_gdcm_probe"},
        {(void **)&gdcm.string, "petrad_gdcm_string"},
        {(void **)&gdcm.itemCount, "petrad_gdcm_item_count"},
        {(void **)&gdcm.bytes, "petrad_gdcm_bytes"},
        {(void **)&gdcm.imageSize, "petrad_gdcm_image_size"},
        {(void **)&gdcm.pixels, "petrad_gdcm_pixels"},
        {(void **)&gdcm.write, "petrad_gdcm_write"},
    };
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
        *symbols[i].slot = dlsym(handle, symbols[i].name);
        if (*symbols[i].slot == NULL) {
            snprintf(loadError, sizeof loadError, "%s (found in %s) lacks %s; rebuild it with "
                     "this petrad (scripts/setup.sh)", libraryName, tried, symbols[i].name);
            return;
        }
    }
    loaded = 1;
}

int petrad_dicom_load(char *message, int messageCapacity) {
    pthread_once(&loadOnce, load);
    if (!loaded && message != NULL && messageCapacity > 0) {
        snprintf(message, (size_t)messageCapacity, "%s", loadError);
    }
    return loaded;
}

/// The sentence of a failed load in `message`; for the functions that report through one.
static int unavailable(char *message, int messageCapacity) {
    return !petrad_dicom_load(message, messageCapacity);
}

PetradDicomFile *petrad_dicom_open(const char *path, int withPixels,
                                   char *message, int messageCapacity) {
    if (unavailable(message, messageCapacity)) return NULL;
    return gdcm.open(path, withPixels, message, messageCapacity);
}

void petrad_dicom_close(PetradDicomFile *file) {
    if (file != NULL && loaded) gdcm.close(file);
}

int petrad_dicom_probe(const char *path, int withPixels, int timeoutSeconds,
                       char *message, int messageCapacity) {
    if (unavailable(message, messageCapacity)) return -1;
    return gdcm.probe(path, withPixels, timeoutSeconds, message, messageCapacity);
}

// The functions below take a file from petrad_dicom_open, so the library is loaded.

long petrad_dicom_string(const PetradDicomFile *file, const uint32_t *path, int count,
                         char *out, long capacity) {
    return gdcm.string(file, path, count, out, capacity);
}

long petrad_dicom_item_count(const PetradDicomFile *file, const uint32_t *path, int count) {
    return gdcm.itemCount(file, path, count);
}

long petrad_dicom_bytes(const PetradDicomFile *file, const uint32_t *path, int count,
                        uint8_t *out, long capacity) {
    return gdcm.bytes(file, path, count, out, capacity);
}

int petrad_dicom_image_size(const PetradDicomFile *file, uint32_t *columns, uint32_t *rows,
                            uint32_t *frames, uint32_t *samples) {
    return gdcm.imageSize(file, columns, rows, frames, samples);
}

long petrad_dicom_pixels(const PetradDicomFile *file, double *out, long capacity,
                         char *message, int messageCapacity) {
    return gdcm.pixels(file, out, capacity, message, messageCapacity);
}

int petrad_dicom_write(const char *path, int count, const uint32_t *tags,
                       const char *const *vrs, const char *const *values,
                       const int16_t *pixels, int rows, int columns,
                       char *message, int messageCapacity) {
    if (unavailable(message, messageCapacity)) return -1;
    return gdcm.write(path, count, tags, vrs, values, pixels, rows, columns, message,
                      messageCapacity);
}

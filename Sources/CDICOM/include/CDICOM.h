// The DICOM reading petrad does through GDCM (Debian libgdcm-dev 3.0): a file's elements as
// text, through sequences, and its decoded pixel data; small uncompressed files for tests.
//
// GDCM lives in a shared library of its own, libPetradGDCM.so (Sources/CGDCMShim), loaded the
// first time a DICOM file is read: loading GDCM builds its data dictionaries, which costs
// about 20 ms and 15 MB at every start of petrad, and most runs read no DICOM at all.
#ifndef PETRAD_CDICOM_H
#define PETRAD_CDICOM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// One parsed DICOM file (its data set, and its decoded image when asked for).
typedef struct PetradDicomFile PetradDicomFile;

/// Loads libPetradGDCM.so once: from $PETRAD_GDCM_LIBRARY when set, else from the directory of
/// the running executable, else from the directory of the object holding this code, else
/// through the dynamic linker's search path. Returns 1 when loaded; 0 with a sentence in
/// `message` saying where it was looked for. Every function below needs it loaded first.
int petrad_dicom_load(char *message, int messageCapacity);

/// Reads `path`. With `withPixels` 0 the pixel data element is not read (fast header scan);
/// with 1 the image is decoded by gdcm::ImageReader (every transfer syntax GDCM supports).
/// Returns NULL on failure with a sentence in `message`.
PetradDicomFile *petrad_dicom_open(const char *path, int withPixels,
                                   char *message, int messageCapacity);
void petrad_dicom_close(PetradDicomFile *file);

/// Makes the read petrad_dicom_open would make (reads every element as text, through
/// sequences, and with `withPixels` 1 decodes the pixel data) in a separate worker process,
/// so that an assertion failure inside GDCM (Debian builds it with assertions on) ends the
/// worker and not the caller. The worker is forked once and again after each file that stopped
/// it; requests from several threads are served one at a time. Returns 1 when the read
/// finished (the same read is then safe in the caller), 0 when GDCM stopped on the file (its
/// assertion, or the time limit, in `message`), -1 when no worker could be started.
int petrad_dicom_probe(const char *path, int withPixels, int timeoutSeconds,
                       char *message, int messageCapacity);

/// An element located by `path`: tag, item index (0-based), tag, item index, ..., tag
/// (`count` is odd; a tag is (group << 16) | element). Writes its value as text (numbers of
/// binary VRs in decimal, multiple values separated by backslash) into `out` (NUL-terminated,
/// truncated to `capacity`). Returns the full text length, or -1 when the element is absent.
long petrad_dicom_string(const PetradDicomFile *file, const uint32_t *path, int count,
                         char *out, long capacity);

/// Number of items of the sequence located by `path` (same form), or -1 when absent.
long petrad_dicom_item_count(const PetradDicomFile *file, const uint32_t *path, int count);

/// Raw bytes of the element located by `path` (for OB/OW/OF/OD payloads); returns the length,
/// or -1 when absent. At most `capacity` bytes are copied.
long petrad_dicom_bytes(const PetradDicomFile *file, const uint32_t *path, int count,
                        uint8_t *out, long capacity);

/// The decoded image (file opened with `withPixels` 1): columns, rows, frames, samples per
/// pixel. Returns 0 when there is no image.
int petrad_dicom_image_size(const PetradDicomFile *file, uint32_t *columns, uint32_t *rows,
                            uint32_t *frames, uint32_t *samples);

/// The stored values (before any rescale) of every pixel of every frame, as doubles, x fastest;
/// 1-bit data are unpacked. Returns the number of values written, or -1 with a `message`.
long petrad_dicom_pixels(const PetradDicomFile *file, double *out, long capacity,
                         char *message, int messageCapacity);

/// Writes an uncompressed Explicit VR Little Endian file with the given elements (top level
/// only; `vrs` two letters each, binary VRs given as decimal text) and, when `pixels` is not
/// NULL, 16-bit signed pixel data of `rows` x `columns`. Returns 0, or -1 with a `message`.
int petrad_dicom_write(const char *path, int count, const uint32_t *tags,
                       const char *const *vrs, const char *const *values,
                       const int16_t *pixels, int rows, int columns,
                       char *message, int messageCapacity);

#ifdef __cplusplus
}
#endif

#endif

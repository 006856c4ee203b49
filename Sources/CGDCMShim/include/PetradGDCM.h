// What libPetradGDCM.so exports: the functions of Sources/CDICOM/include/CDICOM.h with the
// prefix petrad_gdcm_ (documented there), found by name by the loader in Sources/CDICOM.
#ifndef PETRAD_GDCM_H
#define PETRAD_GDCM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct PetradDicomFile PetradDicomFile;

PetradDicomFile *petrad_gdcm_open(const char *path, int withPixels,
                                  char *message, int messageCapacity);
void petrad_gdcm_close(PetradDicomFile *file);
int petrad_gdcm_probe(const char *path, int withPixels, int timeoutSeconds,
                      char *message, int messageCapacity);
long petrad_gdcm_string(const PetradDicomFile *file, const uint32_t *path, int count,
                        char *out, long capacity);
long petrad_gdcm_item_count(const PetradDicomFile *file, const uint32_t *path, int count);
long petrad_gdcm_bytes(const PetradDicomFile *file, const uint32_t *path, int count,
                       uint8_t *out, long capacity);
int petrad_gdcm_image_size(const PetradDicomFile *file, uint32_t *columns, uint32_t *rows,
                           uint32_t *frames, uint32_t *samples);
long petrad_gdcm_pixels(const PetradDicomFile *file, double *out, long capacity,
                        char *message, int messageCapacity);
int petrad_gdcm_write(const char *path, int count, const uint32_t *tags,
                      const char *const *vrs, const char *const *values,
                      const int16_t *pixels, int rows, int columns,
                      char *message, int messageCapacity);

#ifdef __cplusplus
}
#endif

#endif

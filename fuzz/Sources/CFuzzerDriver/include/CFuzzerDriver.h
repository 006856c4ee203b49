#ifndef PETRAD_C_FUZZER_DRIVER_H
#define PETRAD_C_FUZZER_DRIVER_H
#include <stddef.h>
#include <stdint.h>

// libFuzzer's driver (compiler-rt, LLVM >= 11), linked in by `-sanitize=fuzzer`. SwiftPM gives
// each executable its own entry point, so the fuzzers call the driver from Swift instead of
// using libFuzzer's main.
int LLVMFuzzerRunDriver(int *argc, char ***argv,
                        int (*callback)(const uint8_t *data, size_t size));

#endif

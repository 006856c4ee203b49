// GDCM behind a C interface; see include/CGDCMShim.h. No state beyond one reader per file.
#include "PetradGDCM.h"

#include <gdcmDataSet.h>
#include <gdcmImageReader.h>
#include <gdcmReader.h>
#include <gdcmSequenceOfItems.h>
#include <gdcmStringFilter.h>
#include <gdcmTrace.h>
#include <gdcmWriter.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <mutex>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

struct PetradDicomFile {
    std::unique_ptr<gdcm::Reader> reader;
    bool hasImage = false;
};

static void setMessage(char *message, int capacity, const std::string &text) {
    if (message == nullptr || capacity <= 0) return;
    std::strncpy(message, text.c_str(), static_cast<size_t>(capacity - 1));
    message[capacity - 1] = '\0';
}

static gdcm::Tag tagOf(uint32_t value) {
    return gdcm::Tag(static_cast<uint16_t>(value >> 16), static_cast<uint16_t>(value & 0xffff));
}

static PetradDicomFile *openFile(const char *path, int withPixels, char *message,
                                 int messageCapacity);

extern "C" PetradDicomFile *petrad_gdcm_open(const char *path, int withPixels,
                                             char *message, int messageCapacity) {
    try {
        return openFile(path, withPixels, message, messageCapacity);
    } catch (...) {
        // GDCM throws some errors as bare strings, which nothing above this C interface
        // could catch.
        setMessage(message, messageCapacity, "GDCM could not read it (an exception)");
        return nullptr;
    }
}

static PetradDicomFile *openFile(const char *path, int withPixels, char *message,
                                 int messageCapacity) {
    // GDCM's own warnings go to stderr per file; petrad reports problems itself.
    gdcm::Trace::WarningOff();
    gdcm::Trace::DebugOff();
    auto file = std::make_unique<PetradDicomFile>();
    if (withPixels) {
        auto imageReader = std::make_unique<gdcm::ImageReader>();
        imageReader->SetFileName(path);
        if (imageReader->Read()) {
            file->reader = std::move(imageReader);
            file->hasImage = true;
            return file.release();
        }
    }
    // No image asked for, or none decodable (RTSTRUCT, or a file GDCM cannot decode).
    file->reader = std::make_unique<gdcm::Reader>();
    file->reader->SetFileName(path);
    const bool ok = withPixels ? file->reader->Read()
                               : file->reader->ReadUpToTag(gdcm::Tag(0x7fe0, 0x0010));
    if (!ok) {
        setMessage(message, messageCapacity, "GDCM could not read it as a DICOM file");
        return nullptr;
    }
    return file.release();
}

extern "C" void petrad_gdcm_close(PetradDicomFile *file) { delete file; }

// GDCM sizes its decoded buffer from the header alone, and reads native pixel data of that
// size whatever the element holds. Decoding is allowed only when the pixel data can hold the
// image: native data at least the buffer's bytes, encapsulated data at most 1032 times
// expanded (deflate's largest ratio; RLE's is 64), and never more than 2^34 bytes.
static bool decodeAllowed(const PetradDicomFile *file, std::string &why) {
    const gdcm::Image &image = static_cast<gdcm::ImageReader *>(file->reader.get())->GetImage();
    unsigned long long length = image.GetBufferLength();
    if (image.GetPixelFormat().GetBitsAllocated() == 1) {
        // 1-bit frames are packed one after another (PS3.5 8.1.1), while GDCM rounds each
        // frame of its buffer up to whole bytes.
        unsigned long long bits = static_cast<unsigned long long>(image.GetDimension(0))
            * image.GetDimension(1) * image.GetPixelFormat().GetSamplesPerPixel();
        if (image.GetNumberOfDimensions() > 2) bits *= image.GetDimension(2);
        length = (bits + 7) / 8;
    }
    const gdcm::DataSet &dataSet = file->reader->GetFile().GetDataSet();
    unsigned long long limit = 0;
    if (dataSet.FindDataElement(gdcm::Tag(0x7fe0, 0x0010))) {
        const gdcm::DataElement &pixels = dataSet.GetDataElement(gdcm::Tag(0x7fe0, 0x0010));
        if (const gdcm::ByteValue *bytes = pixels.GetByteValue()) {
            limit = bytes->GetLength();
        } else if (const gdcm::SequenceOfFragments *fragments =
                       pixels.GetSequenceOfFragments()) {
            limit = 1032ull * fragments->ComputeByteLength();
        }
    }
    if (length > limit || length > (1ull << 34)) {
        why = "the pixel data cannot hold the " + std::to_string(length)
            + " bytes of the image its header declares";
        return false;
    }
    return true;
}

// Everything petrad may later ask of a file, done once: the text of every element at every
// depth (sequences read item by item, as the accessors do) and, with pixels, the decoded image.
static void touchDataSet(const gdcm::DataSet &dataSet, const gdcm::File &file, int depth) {
    if (depth > 16) return;
    gdcm::StringFilter filter;
    filter.SetFile(file);
    for (const gdcm::DataElement &element : dataSet.GetDES()) {
        if (element.IsEmpty() || element.GetTag() == gdcm::Tag(0x7fe0, 0x0010)) continue;
        const gdcm::ByteValue *bytes = element.GetByteValue();
        const bool itemFirst = bytes != nullptr && bytes->GetLength() >= 4
            && std::memcmp(bytes->GetPointer(), "\xfe\xff\x00\xe0", 4) == 0;
        const gdcm::VR vr = element.GetVR();
        if (element.GetSequenceOfFragments() != nullptr) continue;
        if (vr == gdcm::VR::SQ || bytes == nullptr
            || ((vr == gdcm::VR::INVALID || vr == gdcm::VR::UN) && itemFirst)) {
            gdcm::SmartPointer<gdcm::SequenceOfItems> sequence = element.GetValueAsSQ();
            if (!sequence) continue;
            for (gdcm::SequenceOfItems::SizeType i = 1; i <= sequence->GetNumberOfItems(); ++i)
                touchDataSet(sequence->GetItem(i).GetNestedDataSet(), file, depth + 1);
        } else {
            (void)filter.ToString(element);
        }
    }
}

// The read petrad will make of a file, done in the worker: 1 when it finished (or GDCM
// reported an ordinary error, which the caller's own read reports again), 2 when GDCM threw
// an exception that would escape it.
static char probeRead(const char *path, int withPixels) {
    try {
        char message[256];
        PetradDicomFile *file = openFile(path, withPixels, message, 256);
        if (file == nullptr) return 1;
        std::unique_ptr<PetradDicomFile> owner(file);
        touchDataSet(file->reader->GetFile().GetDataSet(), file->reader->GetFile(), 0);
        std::string why;
        if (file->hasImage && decodeAllowed(file, why)) {
            const gdcm::Image &image =
                static_cast<gdcm::ImageReader *>(file->reader.get())->GetImage();
            std::vector<char> buffer(image.GetBufferLength());
            (void)image.GetBuffer(buffer.data());
        }
        return 1;
    } catch (...) {
        return 2;
    }
}

static bool readAll(int fd, void *buffer, size_t count) {
    char *at = static_cast<char *>(buffer);
    while (count > 0) {
        const ssize_t got = read(fd, at, count);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return false;
        at += got;
        count -= static_cast<size_t>(got);
    }
    return true;
}

// The worker process: reads requests (withPixels, path length, path) from `channel`, makes
// each read and answers with one status byte, until the channel closes. An assertion in GDCM
// ends it, and the caller learns so from the closed channel and its standard error.
[[noreturn]] static void workerLoop(int channel) {
    // Die silently on an assertion or a bad access (the default action), not through the
    // crash reporters inherited from the caller (Swift's backtracer, a fuzzer's); no core file.
    for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP})
        std::signal(sig, SIG_DFL);
    rlimit noCore{0, 0};
    setrlimit(RLIMIT_CORE, &noCore);
    gdcm::Trace::ErrorOff();
    for (;;) {
        int32_t header[2];
        if (!readAll(channel, header, sizeof header)) _exit(0);
        if (header[1] <= 0 || header[1] > (1 << 16)) _exit(0);
        std::string path(static_cast<size_t>(header[1]), '\0');
        if (!readAll(channel, &path[0], path.size())) _exit(0);
        const char status = probeRead(path.c_str(), header[0]);
        if (send(channel, &status, 1, MSG_NOSIGNAL) != 1) _exit(0);
    }
}

namespace {
// One worker per process, shared by every thread (requests are serialised).
struct ProbeWorker {
    pid_t pid = -1;
    int channel = -1;
    int errors = -1;
};
std::mutex probeMutex;
ProbeWorker worker;
}  // namespace

static bool startWorker(std::string &why) {
    int channel[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, channel) != 0) {
        why = std::string("socketpair failed: ") + strerror(errno);
        return false;
    }
    int errors[2];
    if (pipe2(errors, O_CLOEXEC) != 0) {
        why = std::string("pipe failed: ") + strerror(errno);
        close(channel[0]);
        close(channel[1]);
        return false;
    }
    const pid_t child = fork();
    if (child < 0) {
        why = std::string("fork failed: ") + strerror(errno);
        for (int fd : {channel[0], channel[1], errors[0], errors[1]}) close(fd);
        return false;
    }
    if (child == 0) {
        close(channel[0]);
        close(errors[0]);
        dup2(errors[1], STDERR_FILENO);
        close(errors[1]);
        workerLoop(channel[1]);
    }
    close(channel[1]);
    close(errors[1]);
    fcntl(errors[0], F_SETFL, fcntl(errors[0], F_GETFL) | O_NONBLOCK);
    worker = ProbeWorker{child, channel[0], errors[0]};
    return true;
}

// Ends the worker (killing it if asked) and returns the last line it wrote on standard error
// (GDCM's assertion, without the program name), or how it ended.
static std::string stopWorker(bool kill9) {
    if (kill9) kill(worker.pid, SIGKILL);
    close(worker.channel);
    int status = 0;
    while (waitpid(worker.pid, &status, 0) < 0 && errno == EINTR) {}
    std::string errors;
    char chunk[512];
    for (ssize_t got; (got = read(worker.errors, chunk, sizeof chunk)) > 0;)
        if (errors.size() < 8192) errors.append(chunk, static_cast<size_t>(got));
    close(worker.errors);
    worker = ProbeWorker{};
    std::string last;
    std::istringstream lines(errors);
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) last = line;
    const size_t assertion = last.find("Assertion");
    if (assertion != std::string::npos) {
        const size_t source = last.find("/Source/");
        const size_t colon = last.find(": ", source == std::string::npos ? 0 : source);
        const std::string where = source == std::string::npos || colon == std::string::npos
            ? "" : last.substr(source + 8, colon - source - 8) + ": ";
        return where + last.substr(assertion);
    }
    if (!last.empty()) return last;
    if (WIFSIGNALED(status)) return "GDCM stopped on signal " + std::to_string(WTERMSIG(status));
    return "GDCM's process ended (status " + std::to_string(WEXITSTATUS(status)) + ")";
}

extern "C" int petrad_gdcm_probe(const char *path, int withPixels, int timeoutSeconds,
                                 char *message, int messageCapacity) {
    std::lock_guard<std::mutex> lock(probeMutex);
    const size_t length = std::strlen(path);
    if (length == 0 || length > (1 << 16)) {
        setMessage(message, messageCapacity, "the path is empty or too long");
        return -1;
    }
    std::string request(8 + length, '\0');
    const int32_t header[2] = {withPixels ? 1 : 0, static_cast<int32_t>(length)};
    std::memcpy(&request[0], header, 8);
    std::memcpy(&request[8], path, length);
    // A worker that died between two requests shows only when written to: start a new one
    // and try once more.
    for (int attempt = 0; attempt < 2; ++attempt) {
        std::string why;
        if (worker.pid < 0 && !startWorker(why)) {
            setMessage(message, messageCapacity, why);
            return -1;
        }
        size_t sent = 0;
        while (sent < request.size()) {
            const ssize_t n = send(worker.channel, request.data() + sent,
                                   request.size() - sent, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            sent += static_cast<size_t>(n);
        }
        if (sent < request.size()) {
            (void)stopWorker(true);
            continue;
        }
        pollfd poller{worker.channel, POLLIN, 0};
        int ready;
        do {
            ready = poll(&poller, 1, timeoutSeconds * 1000);
        } while (ready < 0 && errno == EINTR);
        if (ready == 0) {
            (void)stopWorker(true);
            setMessage(message, messageCapacity,
                       "GDCM did not finish reading it within " + std::to_string(timeoutSeconds)
                           + " s");
            return 0;
        }
        char status = 0;
        if (ready > 0 && readAll(worker.channel, &status, 1)) {
            if (status == 1) return 1;
            setMessage(message, messageCapacity, "GDCM threw an exception it does not handle");
            return 0;
        }
        // The worker ended while reading this file: GDCM stopped on it.
        setMessage(message, messageCapacity, stopWorker(false));
        return 0;
    }
    setMessage(message, messageCapacity, "GDCM's process could not be reached");
    return -1;
}

// Follows tag, item, tag, item, ..., tag; `keep` holds the sequences alive while in use.
static const gdcm::DataElement *
locate(const PetradDicomFile *file, const uint32_t *path, int count,
       std::vector<gdcm::SmartPointer<gdcm::SequenceOfItems>> &keep) {
    if (file == nullptr || count < 1 || count % 2 == 0) return nullptr;
    const gdcm::DataSet *dataSet = &file->reader->GetFile().GetDataSet();
    for (int i = 0;; i += 2) {
        const gdcm::Tag tag = tagOf(path[i]);
        if (!dataSet->FindDataElement(tag)) return nullptr;
        const gdcm::DataElement &element = dataSet->GetDataElement(tag);
        if (i == count - 1) return &element;
        gdcm::SmartPointer<gdcm::SequenceOfItems> sequence = element.GetValueAsSQ();
        if (!sequence) return nullptr;
        keep.push_back(sequence);
        const uint32_t item = path[i + 1];
        if (item >= sequence->GetNumberOfItems()) return nullptr;
        dataSet = &sequence->GetItem(item + 1).GetNestedDataSet();
    }
}

extern "C" long petrad_gdcm_string(const PetradDicomFile *file, const uint32_t *path,
                                   int count, char *out, long capacity) {
    std::vector<gdcm::SmartPointer<gdcm::SequenceOfItems>> keep;
    const gdcm::DataElement *element = locate(file, path, count, keep);
    if (element == nullptr) return -1;
    std::string text;
    if (!element->IsEmpty()) {
        gdcm::StringFilter filter;
        filter.SetFile(file->reader->GetFile());
        text = filter.ToString(*element);
        if (text.empty() && element->GetByteValue() != nullptr) {
            const gdcm::ByteValue *bytes = element->GetByteValue();
            text.assign(bytes->GetPointer(), bytes->GetLength());
        }
    }
    // Cut at the first NUL (padding of UI and of private text values).
    const size_t nul = text.find('\0');
    if (nul != std::string::npos) text.resize(nul);
    if (out != nullptr && capacity > 0) {
        const size_t n = std::min(text.size(), static_cast<size_t>(capacity - 1));
        std::memcpy(out, text.data(), n);
        out[n] = '\0';
    }
    return static_cast<long>(text.size());
}

extern "C" long petrad_gdcm_item_count(const PetradDicomFile *file, const uint32_t *path,
                                       int count) {
    std::vector<gdcm::SmartPointer<gdcm::SequenceOfItems>> keep;
    const gdcm::DataElement *element = locate(file, path, count, keep);
    if (element == nullptr) return -1;
    if (element->IsEmpty()) return 0;
    gdcm::SmartPointer<gdcm::SequenceOfItems> sequence = element->GetValueAsSQ();
    if (!sequence) return -1;
    return static_cast<long>(sequence->GetNumberOfItems());
}

extern "C" long petrad_gdcm_bytes(const PetradDicomFile *file, const uint32_t *path, int count,
                                  uint8_t *out, long capacity) {
    std::vector<gdcm::SmartPointer<gdcm::SequenceOfItems>> keep;
    const gdcm::DataElement *element = locate(file, path, count, keep);
    if (element == nullptr) return -1;
    const gdcm::ByteValue *bytes = element->GetByteValue();
    if (bytes == nullptr) return 0;
    const long length = static_cast<long>(bytes->GetLength());
    if (out != nullptr && capacity > 0)
        std::memcpy(out, bytes->GetPointer(), static_cast<size_t>(std::min(length, capacity)));
    return length;
}

extern "C" int petrad_gdcm_image_size(const PetradDicomFile *file, uint32_t *columns,
                                      uint32_t *rows, uint32_t *frames, uint32_t *samples) {
    if (file == nullptr || !file->hasImage) return 0;
    const gdcm::Image &image = static_cast<gdcm::ImageReader *>(file->reader.get())->GetImage();
    *columns = image.GetDimension(0);
    *rows = image.GetDimension(1);
    *frames = image.GetNumberOfDimensions() > 2 ? image.GetDimension(2) : 1;
    *samples = image.GetPixelFormat().GetSamplesPerPixel();
    return 1;
}

template <typename T>
static void convert(const char *buffer, double *out, long n) {
    for (long i = 0; i < n; ++i) {
        T value;
        std::memcpy(&value, buffer + i * static_cast<long>(sizeof(T)), sizeof(T));
        out[i] = static_cast<double>(value);
    }
}

extern "C" long petrad_gdcm_pixels(const PetradDicomFile *file, double *out, long capacity,
                                   char *message, int messageCapacity) {
    if (file == nullptr || !file->hasImage) {
        setMessage(message, messageCapacity, "the file has no decodable image");
        return -1;
    }
    const gdcm::Image &image = static_cast<gdcm::ImageReader *>(file->reader.get())->GetImage();
    const gdcm::PixelFormat format = image.GetPixelFormat();
    long n = static_cast<long>(image.GetDimension(0)) * image.GetDimension(1)
        * format.GetSamplesPerPixel();
    if (image.GetNumberOfDimensions() > 2) n *= image.GetDimension(2);
    if (n > capacity) {
        setMessage(message, messageCapacity, "the pixel buffer is too small");
        return -1;
    }
    std::string why;
    if (!decodeAllowed(file, why)) {
        setMessage(message, messageCapacity, why);
        return -1;
    }
    std::vector<char> buffer(image.GetBufferLength());
    if (!image.GetBuffer(buffer.data())) {
        setMessage(message, messageCapacity,
                   "GDCM could not decode the pixel data (transfer syntax "
                   + std::string(gdcm::TransferSyntax::GetTSString(image.GetTransferSyntax()))
                   + ")");
        return -1;
    }
    // The decoded buffer must hold n values of the pixel format's size (a BitsAllocated of 12,
    // say, gives a buffer shorter than n 16-bit values); 1-bit data is checked below.
    long bytesPerValue = 0;
    switch (format.GetScalarType()) {
    case gdcm::PixelFormat::UINT8: case gdcm::PixelFormat::INT8: bytesPerValue = 1; break;
    case gdcm::PixelFormat::UINT12: case gdcm::PixelFormat::INT12:
    case gdcm::PixelFormat::UINT16: case gdcm::PixelFormat::INT16: bytesPerValue = 2; break;
    case gdcm::PixelFormat::UINT32: case gdcm::PixelFormat::INT32:
    case gdcm::PixelFormat::FLOAT32: bytesPerValue = 4; break;
    case gdcm::PixelFormat::FLOAT64: bytesPerValue = 8; break;
    default: break;
    }
    if (format.GetScalarType() != gdcm::PixelFormat::SINGLEBIT
        && static_cast<long>(buffer.size()) < n * bytesPerValue) {
        setMessage(message, messageCapacity,
                   "the decoded pixel data is shorter than the image its header declares");
        return -1;
    }
    switch (format.GetScalarType()) {
    case gdcm::PixelFormat::SINGLEBIT:
        if (static_cast<long>(buffer.size()) * 8 < n) break;
        for (long i = 0; i < n; ++i)
            out[i] = (static_cast<unsigned char>(buffer[i / 8]) >> (i % 8)) & 1;
        return n;
    case gdcm::PixelFormat::UINT8: convert<uint8_t>(buffer.data(), out, n); return n;
    case gdcm::PixelFormat::INT8: convert<int8_t>(buffer.data(), out, n); return n;
    case gdcm::PixelFormat::UINT12:
    case gdcm::PixelFormat::UINT16: convert<uint16_t>(buffer.data(), out, n); return n;
    case gdcm::PixelFormat::INT12:
    case gdcm::PixelFormat::INT16: convert<int16_t>(buffer.data(), out, n); return n;
    case gdcm::PixelFormat::UINT32: convert<uint32_t>(buffer.data(), out, n); return n;
    case gdcm::PixelFormat::INT32: convert<int32_t>(buffer.data(), out, n); return n;
    case gdcm::PixelFormat::FLOAT32: convert<float>(buffer.data(), out, n); return n;
    case gdcm::PixelFormat::FLOAT64: convert<double>(buffer.data(), out, n); return n;
    default: break;
    }
    setMessage(message, messageCapacity,
               std::string("unsupported pixel format ") + format.GetScalarTypeAsString());
    return -1;
}

// Encodes backslash-separated decimal text as little-endian values of type T.
template <typename T>
static std::string encodeNumbers(const char *text, bool floating) {
    std::string bytes;
    std::stringstream stream(text);
    std::string part;
    while (std::getline(stream, part, '\\')) {
        T value = floating ? static_cast<T>(std::strtod(part.c_str(), nullptr))
                           : static_cast<T>(std::strtoll(part.c_str(), nullptr, 10));
        bytes.append(reinterpret_cast<const char *>(&value), sizeof(T));
    }
    return bytes;
}

extern "C" int petrad_gdcm_write(const char *path, int count, const uint32_t *tags,
                                 const char *const *vrs, const char *const *values,
                                 const int16_t *pixels, int rows, int columns,
                                 char *message, int messageCapacity) {
    gdcm::Writer writer;
    gdcm::File &file = writer.GetFile();
    gdcm::DataSet &dataSet = file.GetDataSet();
    for (int i = 0; i < count; ++i) {
        gdcm::DataElement element(tagOf(tags[i]));
        const gdcm::VR vr = gdcm::VR::GetVRType(vrs[i]);
        element.SetVR(vr);
        std::string bytes;
        switch (vr) {
        case gdcm::VR::US: bytes = encodeNumbers<uint16_t>(values[i], false); break;
        case gdcm::VR::SS: bytes = encodeNumbers<int16_t>(values[i], false); break;
        case gdcm::VR::UL: bytes = encodeNumbers<uint32_t>(values[i], false); break;
        case gdcm::VR::SL: bytes = encodeNumbers<int32_t>(values[i], false); break;
        case gdcm::VR::FL: bytes = encodeNumbers<float>(values[i], true); break;
        case gdcm::VR::FD: bytes = encodeNumbers<double>(values[i], true); break;
        default:
            bytes = values[i];
            if (bytes.size() % 2 == 1) bytes.push_back(vr == gdcm::VR::UI ? '\0' : ' ');
        }
        element.SetByteValue(bytes.data(), static_cast<uint32_t>(bytes.size()));
        dataSet.Replace(element);
    }
    if (pixels != nullptr) {
        gdcm::DataElement element(gdcm::Tag(0x7fe0, 0x0010));
        element.SetVR(gdcm::VR::OW);
        element.SetByteValue(reinterpret_cast<const char *>(pixels),
                             static_cast<uint32_t>(rows) * static_cast<uint32_t>(columns) * 2);
        dataSet.Replace(element);
    }
    file.GetHeader().SetDataSetTransferSyntax(gdcm::TransferSyntax::ExplicitVRLittleEndian);
    writer.SetFileName(path);
    if (!writer.Write()) {
        setMessage(message, messageCapacity, "GDCM could not write the file");
        return -1;
    }
    return 0;
}

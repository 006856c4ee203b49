// GDCM behind a C interface; see include/CGDCMShim.h. No state beyond one reader per file.
#include "CGDCMShim.h"

#include <gdcmDataSet.h>
#include <gdcmImageReader.h>
#include <gdcmReader.h>
#include <gdcmSequenceOfItems.h>
#include <gdcmStringFilter.h>
#include <gdcmTrace.h>
#include <gdcmWriter.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

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

extern "C" PetradDicomFile *petrad_dicom_open(const char *path, int withPixels,
                                              char *message, int messageCapacity) {
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

extern "C" void petrad_dicom_close(PetradDicomFile *file) { delete file; }

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

extern "C" long petrad_dicom_string(const PetradDicomFile *file, const uint32_t *path,
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

extern "C" long petrad_dicom_item_count(const PetradDicomFile *file, const uint32_t *path,
                                        int count) {
    std::vector<gdcm::SmartPointer<gdcm::SequenceOfItems>> keep;
    const gdcm::DataElement *element = locate(file, path, count, keep);
    if (element == nullptr) return -1;
    if (element->IsEmpty()) return 0;
    gdcm::SmartPointer<gdcm::SequenceOfItems> sequence = element->GetValueAsSQ();
    if (!sequence) return -1;
    return static_cast<long>(sequence->GetNumberOfItems());
}

extern "C" long petrad_dicom_bytes(const PetradDicomFile *file, const uint32_t *path, int count,
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

extern "C" int petrad_dicom_image_size(const PetradDicomFile *file, uint32_t *columns,
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

extern "C" long petrad_dicom_pixels(const PetradDicomFile *file, double *out, long capacity,
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

extern "C" int petrad_dicom_write(const char *path, int count, const uint32_t *tags,
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

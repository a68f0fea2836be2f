#include "buffer.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>

#include "errors.h"

namespace rdma {

namespace {
constexpr double kMaxBuffer = 1ull << 34;  // 16 GiB: a model shard, never a typo
}

Napi::Function MmapBuffer::Define(Napi::Env env) {
  return DefineClass(env, "MmapBuffer",
                     {InstanceAccessor<&MmapBuffer::Size>("size"), InstanceMethod<&MmapBuffer::Write>("write"),
                      InstanceMethod<&MmapBuffer::Read>("read"), InstanceMethod<&MmapBuffer::Free>("free")});
}

MmapBuffer::MmapBuffer(const Napi::CallbackInfo& info) : Napi::ObjectWrap<MmapBuffer>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "MmapBuffer(size): size must be a number");
  double size = info[0].As<Napi::Number>().DoubleValue();
  if (!(size >= 1 && size <= kMaxBuffer) || size != static_cast<double>(static_cast<size_t>(size))) {
    throw Napi::RangeError::New(env, "MmapBuffer(size): size must be a whole number of bytes from 1 to 16 GiB");
  }
  void* data = mmap(nullptr, static_cast<size_t>(size), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (data == MAP_FAILED) throw ToJsError(env, Syscall("mmap", errno));
  data_ = data;
  size_ = static_cast<size_t>(size);
}

MmapBuffer::~MmapBuffer() { Release(); }

void MmapBuffer::Release() {
  if (data_ != nullptr) munmap(data_, size_);
  data_ = nullptr;
  size_ = 0;
}

void MmapBuffer::CheckRange(Napi::Env env, double offset, double length) const {
  if (data_ == nullptr) throw Napi::Error::New(env, "the buffer was freed");
  if (!(offset >= 0 && length >= 0 && offset + length <= static_cast<double>(size_))) {
    throw Napi::RangeError::New(env, "range " + std::to_string(static_cast<long long>(offset)) + "+" +
                                         std::to_string(static_cast<long long>(length)) +
                                         " is outside the buffer of " + std::to_string(size_) + " bytes");
  }
}

Napi::Value MmapBuffer::Size(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), size_); }

// write(offset, Uint8Array): copies the bytes in.
Napi::Value MmapBuffer::Write(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsTypedArray()) {
    throw Napi::TypeError::New(env, "write(offset, bytes): expected a number and a Uint8Array");
  }
  auto bytes = info[1].As<Napi::Uint8Array>();
  double offset = info[0].As<Napi::Number>().DoubleValue();
  CheckRange(env, offset, static_cast<double>(bytes.ByteLength()));
  std::memcpy(static_cast<char*>(data_) + static_cast<size_t>(offset), bytes.Data(), bytes.ByteLength());
  return Napi::Number::New(env, static_cast<double>(bytes.ByteLength()));
}

// read(offset, length): a copy of the bytes as a Uint8Array.
Napi::Value MmapBuffer::Read(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsNumber()) {
    throw Napi::TypeError::New(env, "read(offset, length): expected two numbers");
  }
  double offset = info[0].As<Napi::Number>().DoubleValue();
  double length = info[1].As<Napi::Number>().DoubleValue();
  CheckRange(env, offset, length);
  auto out = Napi::Uint8Array::New(env, static_cast<size_t>(length));
  std::memcpy(out.Data(), static_cast<char*>(data_) + static_cast<size_t>(offset), static_cast<size_t>(length));
  return out;
}

void MmapBuffer::Free(const Napi::CallbackInfo& info) {
  if (pins > 0) throw Napi::Error::New(info.Env(), "the buffer is registered with an open connection; close it first");
  Release();
}

}  // namespace rdma

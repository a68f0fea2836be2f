// Page-aligned, mmap-backed memory for registration (macOS accepts only mmap-backed memory for RDMA
// over Thunderbolt, TN3205). JS copies in and out: Electron's V8 sandbox forbids external ArrayBuffers.
#pragma once

#include <napi.h>

#include <cstddef>

namespace rdma {

class MmapBuffer : public Napi::ObjectWrap<MmapBuffer> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit MmapBuffer(const Napi::CallbackInfo& info);
  ~MmapBuffer() override;

  void* data() const { return data_; }
  size_t size() const { return size_; }
  // True while a connection has it registered: free() is refused then.
  int pins = 0;

 private:
  Napi::Value Size(const Napi::CallbackInfo& info);
  Napi::Value Write(const Napi::CallbackInfo& info);
  Napi::Value Read(const Napi::CallbackInfo& info);
  void Free(const Napi::CallbackInfo& info);
  void Release();
  void CheckRange(Napi::Env env, double offset, double length) const;

  void* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace rdma

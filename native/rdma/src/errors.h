// Typed failures shared by every entry point: { code, errno, message } on the JS side.
#pragma once

#include <napi.h>

#include <string>

namespace rdma {

struct Failure {
  std::string code;  // E_RDMA_UNAVAILABLE | E_RDMA_NO_DEVICE | E_RDMA_SYSCALL; empty = no failure
  int err = 0;       // errno, 0 when none applies
  std::string message;
  bool failed() const { return !code.empty(); }
};

Failure Unavailable(const std::string& message);
Failure NoDevice(const std::string& message, int err);
// "<what>: <ENAME> (<strerror>)"
Failure Syscall(const std::string& what, int err);

const char* ErrnoName(int err);
// "ENOSYS — kernel has no InfiniBand support" and similar; plain name otherwise.
std::string ExplainErrno(int err);

Napi::Error ToJsError(Napi::Env env, const Failure& failure);

// Loads the libraries and lists devices once; fills `failure` when there is no usable device.
// Used by every call that needs a device so they all fail the same way here.
bool RequireDevice(Failure* failure);

}  // namespace rdma

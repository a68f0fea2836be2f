#include "errors.h"

#include <cerrno>
#include <cstring>

#include "dl.h"

namespace rdma {

Failure Unavailable(const std::string& message) { return {"E_RDMA_UNAVAILABLE", 0, message}; }

Failure NoDevice(const std::string& message, int err) { return {"E_RDMA_NO_DEVICE", err, message}; }

Failure Syscall(const std::string& what, int err) {
  return {"E_RDMA_SYSCALL", err, what + ": " + ErrnoName(err) + " (" + std::strerror(err) + ")"};
}

const char* ErrnoName(int err) {
  switch (err) {
    case ENOSYS: return "ENOSYS";
    case ENODEV: return "ENODEV";
    case ENOENT: return "ENOENT";
    case ENXIO: return "ENXIO";
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case ENOMEM: return "ENOMEM";
    case EINVAL: return "EINVAL";
    case EAGAIN: return "EAGAIN";
    case EBUSY: return "EBUSY";
    case EIO: return "EIO";
    case ETIMEDOUT: return "ETIMEDOUT";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ECONNRESET: return "ECONNRESET";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case EADDRINUSE: return "EADDRINUSE";
    case ENETUNREACH: return "ENETUNREACH";
    case EHOSTUNREACH: return "EHOSTUNREACH";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case ECANCELED: return "ECANCELED";
    default: return "EUNKNOWN";
  }
}

std::string ExplainErrno(int err) {
  std::string name = ErrnoName(err);
  if (err == ENOSYS) return name + " — kernel has no InfiniBand support";
  if (err == ENODEV) return name + " — no RDMA device";
  if (err == EACCES || err == EPERM) return name + " — no permission on /dev/infiniband";
  return name;
}

Napi::Error ToJsError(Napi::Env env, const Failure& failure) {
  Napi::Error error = Napi::Error::New(env, failure.message);
  error.Set("code", Napi::String::New(env, failure.code));
  if (failure.err != 0) {
    error.Set("errno", Napi::String::New(env, ErrnoName(failure.err)));
  } else {
    error.Set("errno", env.Null());
  }
  return error;
}

bool RequireDevice(Failure* failure) {
  std::string why;
  const Verbs* verbs = LoadVerbs(&why);
  if (verbs == nullptr) {
    *failure = Unavailable(why);
    return false;
  }
  errno = 0;
  int count = 0;
  ibv_device** list = verbs->get_device_list(&count);
  if (list == nullptr) {
    int err = errno != 0 ? errno : ENODEV;
    *failure = NoDevice("no RDMA devices (ibv_get_device_list: " + ExplainErrno(err) + ")", err);
    return false;
  }
  verbs->free_device_list(list);
  if (count == 0) {
    *failure = NoDevice("no RDMA devices (ibv_get_device_list found none)", ENODEV);
    return false;
  }
  const RdmaCm* cm = LoadRdmaCm(&why);
  if (cm == nullptr) {
    *failure = Unavailable(why);
    return false;
  }
  return true;
}

}  // namespace rdma

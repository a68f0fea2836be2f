#pragma once

#include <napi.h>

namespace rdma {

// available(): { ok, reason, errno? } — never throws.
Napi::Value Available(const Napi::CallbackInfo& info);
// listDevices(): Device[] — throws the typed error when there is no device.
Napi::Value ListDevices(const Napi::CallbackInfo& info);

}  // namespace rdma

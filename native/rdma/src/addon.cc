// Entry point: available(), listDevices(), MmapBuffer, connect(), listen().
#include <napi.h>

#include "buffer.h"
#include "connection.h"
#include "devices.h"

namespace rdma {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  Napi::Function buffer = MmapBuffer::Define(env);
  data->buffer = Napi::Persistent(buffer);
  data->connection = Napi::Persistent(Connection::Define(env));
  data->listener = Napi::Persistent(Listener::Define(env));
  env.SetInstanceData(data);
  exports.Set("available", Napi::Function::New(env, Available, "available"));
  exports.Set("listDevices", Napi::Function::New(env, ListDevices, "listDevices"));
  exports.Set("connect", Napi::Function::New(env, Connect, "connect"));
  exports.Set("listen", Napi::Function::New(env, Listen, "listen"));
  exports.Set("MmapBuffer", buffer);
  return exports;
}

NODE_API_MODULE(rdma, Init)

}  // namespace rdma

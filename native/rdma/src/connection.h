// connect()/listen() over rdma_cm, and the Connection / Listener objects they resolve to.
#pragma once

#include <napi.h>

#include <memory>

#include "endpoint.h"

namespace rdma {

class Connection : public Napi::ObjectWrap<Connection> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Connection(const Napi::CallbackInfo& info);
  ~Connection() override;
  // Called once, right after construction from C++ (JS cannot construct one).
  void Attach(std::shared_ptr<Endpoint> endpoint, Napi::Object buffer);

 private:
  Napi::Value Send(const Napi::CallbackInfo& info);
  Napi::Value Recv(const Napi::CallbackInfo& info);
  Napi::Value Write(const Napi::CallbackInfo& info);
  Napi::Value LocalRegion(const Napi::CallbackInfo& info);
  Napi::Value RemoteRegion(const Napi::CallbackInfo& info);
  void Close(const Napi::CallbackInfo& info);
  void CloseNow();
  std::shared_ptr<Endpoint> endpoint_;
  Napi::ObjectReference buffer_;
};

class Listener : public Napi::ObjectWrap<Listener> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Listener(const Napi::CallbackInfo& info);
  ~Listener() override;
  void Attach(std::shared_ptr<Endpoint> endpoint);

 private:
  Napi::Value Accept(const Napi::CallbackInfo& info);
  void Close(const Napi::CallbackInfo& info);
  std::shared_ptr<Endpoint> listen_;  // owns the channel accepted ids report on
};

// connect(host, port, buffer, timeoutMs?) → Promise<Connection>
Napi::Value Connect(const Napi::CallbackInfo& info);
// listen(host, port) → Promise<Listener>
Napi::Value Listen(const Napi::CallbackInfo& info);

struct AddonData {
  Napi::FunctionReference buffer;
  Napi::FunctionReference connection;
  Napi::FunctionReference listener;
};

}  // namespace rdma

// Queues the AsyncWorkers behind connect/listen/accept and completion waits; each returns a promise
// that resolves with the result or rejects with the typed { code, errno, message } error.
#pragma once

#include <napi.h>

#include <memory>
#include <string>

#include "endpoint.h"

namespace rdma {

constexpr int kDefaultTimeoutMs = 10000;

Napi::Value Rejected(Napi::Env env, const Failure& failure);
// info[index] as a timeout in ms, or `fallback`.
int TimeoutArg(const Napi::CallbackInfo& info, size_t index, int fallback);

Napi::Value QueueConnect(Napi::Env env, const std::string& host, int port, Napi::Object buffer, int timeout_ms);
Napi::Value QueueListen(Napi::Env env, const std::string& host, int port);
Napi::Value QueueAccept(Napi::Env env, std::shared_ptr<Endpoint> listen, Napi::Object buffer, int timeout_ms);
// Waits for one completion on the send (recv=false) or receive queue; resolves with bytes for recv.
Napi::Value QueueCompletion(Napi::Env env, std::shared_ptr<Endpoint> endpoint, bool recv, int timeout_ms);

}  // namespace rdma

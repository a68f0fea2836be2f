// The AsyncWorkers: rdma_cm setup and completion polling run off the JS thread.
#include "workers.h"

#include <cerrno>
#include <climits>

#include "buffer.h"
#include "connection.h"

namespace rdma {

namespace {

// Resolves with Result() or rejects with the typed { code, errno, message } error.
class TypedWorker : public Napi::AsyncWorker {
 public:
  explicit TypedWorker(Napi::Env env) : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void OnOK() override {
    Napi::HandleScope scope(Env());
    Finish();
    if (failure_.failed()) {
      deferred_.Reject(ToJsError(Env(), failure_).Value());
    } else {
      deferred_.Resolve(Result());
    }
  }
  virtual Napi::Value Result() = 0;
  virtual void Finish() {}
  Failure failure_;
  Napi::Promise::Deferred deferred_;
};

}  // namespace

Napi::Value Rejected(Napi::Env env, const Failure& failure) {
  auto deferred = Napi::Promise::Deferred::New(env);
  deferred.Reject(ToJsError(env, failure).Value());
  return deferred.Promise();
}

int TimeoutArg(const Napi::CallbackInfo& info, size_t index, int fallback) {
  if (info.Length() <= index || !info[index].IsNumber()) return fallback;
  double ms = info[index].As<Napi::Number>().DoubleValue();
  return ms >= 1 && ms <= INT_MAX ? static_cast<int>(ms) : fallback;
}

namespace {

std::shared_ptr<Endpoint> NewEndpoint() {
  auto endpoint = std::make_shared<Endpoint>();
  endpoint->verbs = LoadVerbs(nullptr);
  endpoint->cm = LoadRdmaCm(nullptr);
  return endpoint;
}

bool OpenChannel(Endpoint* ep, Failure* failure) {
  ep->channel = ep->cm->create_event_channel();
  if (ep->channel == nullptr) {
    int err = errno != 0 ? errno : ENODEV;
    *failure = NoDevice(std::string("rdma_cm: ") + ExplainErrno(err), err);
    return false;
  }
  ep->owns_channel = true;
  if (ep->cm->create_id(ep->channel, &ep->id, nullptr, RDMA_PS_TCP) != 0) {
    *failure = Syscall("rdma_create_id", errno);
    return false;
  }
  return true;
}

rdma_conn_param ConnParam(const Region* local) {
  rdma_conn_param param{};
  param.private_data = local;
  param.private_data_len = sizeof(Region);
  param.responder_resources = 1;
  param.initiator_depth = 1;
  param.retry_count = 7;
  param.rnr_retry_count = 7;
  return param;
}

Napi::Object NewConnection(Napi::Env env, std::shared_ptr<Endpoint> ep, Napi::Object buffer) {
  Napi::Object object = env.GetInstanceData<AddonData>()->connection.New({});
  Connection::Unwrap(object)->Attach(std::move(ep), buffer);
  return object;
}

class ConnectWorker : public TypedWorker {
 public:
  ConnectWorker(Napi::Env env, std::string host, int port, Napi::Object buffer, int timeout_ms)
      : TypedWorker(env), host_(std::move(host)), port_(port), timeout_ms_(timeout_ms), ep_(NewEndpoint()) {
    buffer_ = Napi::Persistent(buffer);
    MmapBuffer* mmap = MmapBuffer::Unwrap(buffer);
    ep_->addr = mmap->data();
    ep_->length = mmap->size();
  }

  void Execute() override {
    Endpoint* ep = ep_.get();
    sockaddr_storage address{};
    if (!OpenChannel(ep, &failure_) || !ResolveAddress(host_, port_, &address, &failure_)) return;
    if (ep->cm->resolve_addr(ep->id, nullptr, reinterpret_cast<sockaddr*>(&address), timeout_ms_) != 0) {
      failure_ = Syscall("rdma_resolve_addr", errno);
      return;
    }
    if (!WaitCmEvent(ep->cm, ep->channel, RDMA_CM_EVENT_ADDR_RESOLVED, timeout_ms_, nullptr, nullptr, nullptr,
                     &failure_)) {
      return;
    }
    if (ep->cm->resolve_route(ep->id, timeout_ms_) != 0) {
      failure_ = Syscall("rdma_resolve_route", errno);
      return;
    }
    if (!WaitCmEvent(ep->cm, ep->channel, RDMA_CM_EVENT_ROUTE_RESOLVED, timeout_ms_, nullptr, nullptr, nullptr,
                     &failure_) ||
        !ep->Setup(&failure_)) {
      return;
    }
    Region local = ep->Local();
    rdma_conn_param param = ConnParam(&local);
    if (ep->cm->connect(ep->id, &param) != 0) {
      failure_ = Syscall("rdma_connect", errno);
      return;
    }
    WaitCmEvent(ep->cm, ep->channel, RDMA_CM_EVENT_ESTABLISHED, timeout_ms_, nullptr, nullptr, &ep->remote,
                &failure_);
  }

  Napi::Value Result() override { return NewConnection(Env(), std::move(ep_), buffer_.Value()); }

 private:
  std::string host_;
  int port_;
  int timeout_ms_;
  std::shared_ptr<Endpoint> ep_;
  Napi::ObjectReference buffer_;
};

class ListenWorker : public TypedWorker {
 public:
  ListenWorker(Napi::Env env, std::string host, int port)
      : TypedWorker(env), host_(std::move(host)), port_(port), ep_(NewEndpoint()) {}

  void Execute() override {
    Endpoint* ep = ep_.get();
    sockaddr_storage address{};
    if (!OpenChannel(ep, &failure_) || !ResolveAddress(host_, port_, &address, &failure_)) return;
    if (ep->cm->bind_addr(ep->id, reinterpret_cast<sockaddr*>(&address)) != 0) {
      failure_ = Syscall("rdma_bind_addr", errno);
      return;
    }
    if (ep->cm->listen(ep->id, 8) != 0) failure_ = Syscall("rdma_listen", errno);
  }

  Napi::Value Result() override {
    Napi::Object object = Env().GetInstanceData<AddonData>()->listener.New({});
    Listener::Unwrap(object)->Attach(std::move(ep_));
    return object;
  }

 private:
  std::string host_;
  int port_;
  std::shared_ptr<Endpoint> ep_;
};

class AcceptWorker : public TypedWorker {
 public:
  AcceptWorker(Napi::Env env, std::shared_ptr<Endpoint> listen, Napi::Object buffer, int timeout_ms)
      : TypedWorker(env), listen_(std::move(listen)), timeout_ms_(timeout_ms), ep_(NewEndpoint()) {
    buffer_ = Napi::Persistent(buffer);
    MmapBuffer* mmap = MmapBuffer::Unwrap(buffer);
    ep_->addr = mmap->data();
    ep_->length = mmap->size();
  }

  void Execute() override {
    Endpoint* ep = ep_.get();
    rdma_cm_id* child = nullptr;
    if (!WaitCmEvent(listen_->cm, listen_->channel, RDMA_CM_EVENT_CONNECT_REQUEST, timeout_ms_, &listen_->closed,
                     &child, &ep->remote, &failure_)) {
      return;
    }
    ep->id = child;
    ep->channel = listen_->channel;
    ep->keep_alive = listen_;
    if (!ep->Setup(&failure_)) return;
    Region local = ep->Local();
    rdma_conn_param param = ConnParam(&local);
    if (ep->cm->accept(ep->id, &param) != 0) {
      failure_ = Syscall("rdma_accept", errno);
      return;
    }
    WaitCmEvent(ep->cm, ep->channel, RDMA_CM_EVENT_ESTABLISHED, timeout_ms_, &listen_->closed, nullptr, nullptr,
                &failure_);
  }

  void Finish() override { listen_->recv_busy = false; }
  Napi::Value Result() override { return NewConnection(Env(), std::move(ep_), buffer_.Value()); }

 private:
  std::shared_ptr<Endpoint> listen_;
  int timeout_ms_;
  std::shared_ptr<Endpoint> ep_;
  Napi::ObjectReference buffer_;
};

// Waits on a worker thread for the completion of work already posted from the JS thread.
class CompletionWorker : public TypedWorker {
 public:
  CompletionWorker(Napi::Env env, std::shared_ptr<Endpoint> ep, bool recv, int timeout_ms)
      : TypedWorker(env), ep_(std::move(ep)), recv_(recv), timeout_ms_(timeout_ms) {}
  void Execute() override {
    WaitCompletion(ep_.get(), recv_ ? ep_->recv_cq : ep_->send_cq, timeout_ms_, &bytes_, &failure_);
  }
  void Finish() override { (recv_ ? ep_->recv_busy : ep_->send_busy) = false; }
  Napi::Value Result() override {
    return recv_ ? Napi::Number::New(Env(), bytes_).As<Napi::Value>() : Env().Undefined();
  }

 private:
  std::shared_ptr<Endpoint> ep_;
  bool recv_;
  int timeout_ms_;
  uint32_t bytes_ = 0;
};

}  // namespace

template <typename Worker>
Napi::Value QueueWorker(Worker* worker) {
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value QueueConnect(Napi::Env env, const std::string& host, int port, Napi::Object buffer, int timeout_ms) {
  return QueueWorker(new ConnectWorker(env, host, port, buffer, timeout_ms));
}

Napi::Value QueueListen(Napi::Env env, const std::string& host, int port) {
  return QueueWorker(new ListenWorker(env, host, port));
}

Napi::Value QueueAccept(Napi::Env env, std::shared_ptr<Endpoint> listen, Napi::Object buffer, int timeout_ms) {
  return QueueWorker(new AcceptWorker(env, std::move(listen), buffer, timeout_ms));
}

Napi::Value QueueCompletion(Napi::Env env, std::shared_ptr<Endpoint> endpoint, bool recv, int timeout_ms) {
  return QueueWorker(new CompletionWorker(env, std::move(endpoint), recv, timeout_ms));
}

}  // namespace rdma

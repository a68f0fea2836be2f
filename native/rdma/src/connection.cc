#include "connection.h"

#include <cerrno>
#include <climits>

#include "buffer.h"
#include "workers.h"

namespace rdma {

namespace {

bool IsBuffer(Napi::Env env, const Napi::Value& value) {
  return value.IsObject() && value.As<Napi::Object>().InstanceOf(env.GetInstanceData<AddonData>()->buffer.Value());
}

Napi::Object RegionObject(Napi::Env env, const Region& region) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("addr", Napi::BigInt::New(env, region.addr));
  out.Set("rkey", region.rkey);
  out.Set("length", region.length);
  return out;
}

}  // namespace

Napi::Value Connect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsString() || !info[1].IsNumber() || !IsBuffer(env, info[2])) {
    throw Napi::TypeError::New(env, "connect(host, port, buffer, timeoutMs?): buffer must be an MmapBuffer");
  }
  Failure failure;
  if (!RequireDevice(&failure)) return Rejected(env, failure);
  return QueueConnect(env, info[0].As<Napi::String>(), info[1].As<Napi::Number>().Int32Value(),
                      info[2].As<Napi::Object>(), TimeoutArg(info, 3, kDefaultTimeoutMs));
}

Napi::Value Listen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsNumber()) {
    throw Napi::TypeError::New(env, "listen(host, port): expected a string and a number");
  }
  Failure failure;
  if (!RequireDevice(&failure)) return Rejected(env, failure);
  return QueueListen(env, info[0].As<Napi::String>(), info[1].As<Napi::Number>().Int32Value());
}

// ---- Connection ----

Napi::Function Connection::Define(Napi::Env env) {
  return DefineClass(env, "Connection",
                     {InstanceMethod<&Connection::Send>("send"), InstanceMethod<&Connection::Recv>("recv"),
                      InstanceMethod<&Connection::Write>("write"),
                      InstanceAccessor<&Connection::LocalRegion>("localRegion"),
                      InstanceAccessor<&Connection::RemoteRegion>("remoteRegion"),
                      InstanceMethod<&Connection::Close>("close")});
}

Connection::Connection(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Connection>(info) {}
Connection::~Connection() { CloseNow(); }

void Connection::Attach(std::shared_ptr<Endpoint> endpoint, Napi::Object buffer) {
  endpoint_ = std::move(endpoint);
  buffer_ = Napi::Persistent(buffer);
  MmapBuffer::Unwrap(buffer)->pins++;
}

void Connection::CloseNow() {
  if (!endpoint_) return;
  endpoint_->closed = true;
  endpoint_->cm->disconnect(endpoint_->id);
  endpoint_.reset();  // running workers keep their own reference; the last one releases the QP
  if (!buffer_.IsEmpty()) {
    MmapBuffer::Unwrap(buffer_.Value())->pins--;
    buffer_.Reset();
  }
}

void Connection::Close(const Napi::CallbackInfo&) { CloseNow(); }

Napi::Value Connection::LocalRegion(const Napi::CallbackInfo& info) {
  if (!endpoint_) return info.Env().Null();
  return RegionObject(info.Env(), endpoint_->Local());
}

Napi::Value Connection::RemoteRegion(const Napi::CallbackInfo& info) {
  if (!endpoint_) return info.Env().Null();
  return RegionObject(info.Env(), endpoint_->remote);
}

namespace {
// Validates (offset, length) and the busy flag, then posts; returns a rejected promise or nullptr-equivalent.
struct Post {
  size_t offset = 0;
  size_t length = 0;
};

bool ParseRange(const Napi::CallbackInfo& info, const Endpoint* ep, Post* post) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsNumber()) {
    throw Napi::TypeError::New(env, "expected (offset, length, ...) as numbers");
  }
  double offset = info[0].As<Napi::Number>().DoubleValue();
  double length = info[1].As<Napi::Number>().DoubleValue();
  if (!(offset >= 0 && length >= 1 && offset + length <= static_cast<double>(ep->length))) {
    throw Napi::RangeError::New(env, "range is outside the registered buffer");
  }
  post->offset = static_cast<size_t>(offset);
  post->length = static_cast<size_t>(length);
  return true;
}

ibv_sge Sge(const Endpoint* ep, const Post& post) {
  ibv_sge sge{};
  sge.addr = reinterpret_cast<uint64_t>(static_cast<char*>(ep->addr) + post.offset);
  sge.length = static_cast<uint32_t>(post.length);
  sge.lkey = ep->mr->lkey;
  return sge;
}
}  // namespace

Napi::Value Connection::Send(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!endpoint_) return Rejected(env, Syscall("send (connection closed)", ECONNRESET));
  Post post;
  ParseRange(info, endpoint_.get(), &post);
  if (endpoint_->send_busy.exchange(true)) return Rejected(env, Syscall("send (one send or write at a time)", EBUSY));
  ibv_sge sge = Sge(endpoint_.get(), post);
  ibv_send_wr wr{};
  ibv_send_wr* bad = nullptr;
  wr.sg_list = &sge;
  wr.num_sge = 1;
  wr.opcode = IBV_WR_SEND;
  wr.send_flags = IBV_SEND_SIGNALED;
  int rc = ibv_post_send(endpoint_->id->qp, &wr, &bad);
  if (rc != 0) {
    endpoint_->send_busy = false;
    return Rejected(env, Syscall("ibv_post_send", rc));
  }
  return QueueCompletion(env, endpoint_, false, TimeoutArg(info, 2, kDefaultTimeoutMs));
}

// write(offset, length, remoteOffset, timeoutMs?): RDMA WRITE into the peer's registered region.
Napi::Value Connection::Write(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!endpoint_) return Rejected(env, Syscall("write (connection closed)", ECONNRESET));
  Post post;
  ParseRange(info, endpoint_.get(), &post);
  double remote_offset = info.Length() > 2 && info[2].IsNumber() ? info[2].As<Napi::Number>().DoubleValue() : -1;
  if (!(remote_offset >= 0 && remote_offset + post.length <= endpoint_->remote.length)) {
    throw Napi::RangeError::New(env, "remoteOffset is outside the peer's registered region");
  }
  if (endpoint_->send_busy.exchange(true)) return Rejected(env, Syscall("write (one send or write at a time)", EBUSY));
  ibv_sge sge = Sge(endpoint_.get(), post);
  ibv_send_wr wr{};
  ibv_send_wr* bad = nullptr;
  wr.sg_list = &sge;
  wr.num_sge = 1;
  wr.opcode = IBV_WR_RDMA_WRITE;
  wr.send_flags = IBV_SEND_SIGNALED;
  wr.wr.rdma.remote_addr = endpoint_->remote.addr + static_cast<uint64_t>(remote_offset);
  wr.wr.rdma.rkey = endpoint_->remote.rkey;
  int rc = ibv_post_send(endpoint_->id->qp, &wr, &bad);
  if (rc != 0) {
    endpoint_->send_busy = false;
    return Rejected(env, Syscall("ibv_post_send", rc));
  }
  return QueueCompletion(env, endpoint_, false, TimeoutArg(info, 3, kDefaultTimeoutMs));
}

// recv(offset, length, timeoutMs?): resolves with the byte count of the peer's next SEND.
Napi::Value Connection::Recv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!endpoint_) return Rejected(env, Syscall("recv (connection closed)", ECONNRESET));
  Post post;
  ParseRange(info, endpoint_.get(), &post);
  if (endpoint_->recv_busy.exchange(true)) return Rejected(env, Syscall("recv (one at a time)", EBUSY));
  ibv_sge sge = Sge(endpoint_.get(), post);
  ibv_recv_wr wr{};
  ibv_recv_wr* bad = nullptr;
  wr.sg_list = &sge;
  wr.num_sge = 1;
  int rc = ibv_post_recv(endpoint_->id->qp, &wr, &bad);
  if (rc != 0) {
    endpoint_->recv_busy = false;
    return Rejected(env, Syscall("ibv_post_recv", rc));
  }
  return QueueCompletion(env, endpoint_, true, TimeoutArg(info, 2, kDefaultTimeoutMs));
}

// ---- Listener ----

Napi::Function Listener::Define(Napi::Env env) {
  return DefineClass(env, "Listener",
                     {InstanceMethod<&Listener::Accept>("accept"), InstanceMethod<&Listener::Close>("close")});
}

Listener::Listener(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Listener>(info) {}
Listener::~Listener() {
  if (listen_) listen_->closed = true;
}

void Listener::Attach(std::shared_ptr<Endpoint> endpoint) { listen_ = std::move(endpoint); }

// accept(buffer, timeoutMs?) → Promise<Connection>; one accept at a time.
Napi::Value Listener::Accept(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !IsBuffer(env, info[0])) throw Napi::TypeError::New(env, "accept(buffer): expected an MmapBuffer");
  if (!listen_) return Rejected(env, Syscall("accept (listener closed)", ECANCELED));
  if (listen_->recv_busy.exchange(true)) return Rejected(env, Syscall("accept (one at a time)", EBUSY));
  return QueueAccept(env, listen_, info[0].As<Napi::Object>(), TimeoutArg(info, 1, INT_MAX));
}

void Listener::Close(const Napi::CallbackInfo&) {
  if (!listen_) return;
  listen_->closed = true;  // a pending accept notices within 100 ms and rejects with ECANCELED
  listen_.reset();
}

}  // namespace rdma

#include "endpoint.h"

#include <netdb.h>
#include <poll.h>
#include <time.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace rdma {

namespace {
constexpr int kQueueDepth = 16;
using Clock = std::chrono::steady_clock;

int MillisLeft(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}
}  // namespace

Endpoint::~Endpoint() {
  if (id != nullptr && cm != nullptr) {
    if (has_qp) cm->destroy_qp(id);
    if (mr != nullptr) verbs->dereg_mr(mr);
    if (send_cq != nullptr) verbs->destroy_cq(send_cq);
    if (recv_cq != nullptr) verbs->destroy_cq(recv_cq);
    if (pd != nullptr) verbs->dealloc_pd(pd);
    cm->destroy_id(id);
  }
  if (owns_channel && channel != nullptr) cm->destroy_event_channel(channel);
}

bool Endpoint::Setup(Failure* failure) {
  pd = verbs->alloc_pd(id->verbs);
  if (pd == nullptr) return *failure = Syscall("ibv_alloc_pd", errno), false;
  send_cq = verbs->create_cq(id->verbs, kQueueDepth, nullptr, nullptr, 0);
  recv_cq = verbs->create_cq(id->verbs, kQueueDepth, nullptr, nullptr, 0);
  if (send_cq == nullptr || recv_cq == nullptr) return *failure = Syscall("ibv_create_cq", errno), false;
  ibv_qp_init_attr qp{};
  qp.send_cq = send_cq;
  qp.recv_cq = recv_cq;
  qp.qp_type = IBV_QPT_RC;
  qp.cap.max_send_wr = kQueueDepth;
  qp.cap.max_recv_wr = kQueueDepth;
  qp.cap.max_send_sge = 1;
  qp.cap.max_recv_sge = 1;
  if (cm->create_qp(id, pd, &qp) != 0) return *failure = Syscall("rdma_create_qp", errno), false;
  has_qp = true;
  int access = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ;
  mr = verbs->reg_mr(pd, addr, length, access);
  if (mr == nullptr) return *failure = Syscall("ibv_reg_mr", errno), false;
  return true;
}

Region Endpoint::Local() const {
  Region region;
  region.addr = reinterpret_cast<uint64_t>(addr);
  region.rkey = mr != nullptr ? mr->rkey : 0;
  region.length = static_cast<uint32_t>(length);
  return region;
}

bool WaitCmEvent(const RdmaCm* cm, rdma_event_channel* channel, rdma_cm_event_type want, int timeout_ms,
                 const std::atomic<bool>* cancel, rdma_cm_id** event_id, Region* region, Failure* failure) {
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    if (cancel != nullptr && cancel->load()) return *failure = Syscall("rdma_get_cm_event (closed)", ECANCELED), false;
    pollfd pfd{channel->fd, POLLIN, 0};
    int left = MillisLeft(deadline);
    if (left == 0) return *failure = Syscall("waiting for rdma_cm event", ETIMEDOUT), false;
    int ready = poll(&pfd, 1, left < 100 ? left : 100);  // wake up to notice `cancel`
    if (ready < 0 && errno != EINTR) return *failure = Syscall("poll(rdma_cm channel)", errno), false;
    if (ready <= 0) continue;
    rdma_cm_event* event = nullptr;
    if (cm->get_cm_event(channel, &event) != 0) return *failure = Syscall("rdma_get_cm_event", errno), false;
    rdma_cm_event_type got = event->event;
    int status = event->status;
    if (event_id != nullptr) *event_id = event->id;
    if (region != nullptr && event->param.conn.private_data != nullptr &&
        event->param.conn.private_data_len >= sizeof(Region)) {
      std::memcpy(region, event->param.conn.private_data, sizeof(Region));
    }
    cm->ack_cm_event(event);
    if (got == want) return true;
    int err = status < 0 ? -status : (status > 0 ? status : ECONNREFUSED);
    *failure = Syscall(std::string("rdma_cm: expected ") + cm->event_str(want) + ", got " + cm->event_str(got), err);
    return false;
  }
}

bool WaitCompletion(Endpoint* endpoint, ibv_cq* cq, int timeout_ms, uint32_t* bytes, Failure* failure) {
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  timespec nap{0, 20000};  // 20 µs between empty polls keeps a core free without adding much latency
  for (;;) {
    if (endpoint->closed.load()) return *failure = Syscall("completion (connection closed)", ECONNRESET), false;
    ibv_wc wc{};
    int n = ibv_poll_cq(cq, 1, &wc);  // inline: dispatches through the context's ops, no libibverbs symbol
    if (n < 0) return *failure = Syscall("ibv_poll_cq", EIO), false;
    if (n == 1) {
      if (wc.status != IBV_WC_SUCCESS) {
        *failure = {"E_RDMA_SYSCALL", EIO, std::string("work completion failed: status ") + std::to_string(wc.status)};
        return false;
      }
      if (bytes != nullptr) *bytes = wc.byte_len;
      return true;
    }
    if (MillisLeft(deadline) == 0) return *failure = Syscall("waiting for a completion", ETIMEDOUT), false;
    nanosleep(&nap, nullptr);
  }
}

bool ResolveAddress(const std::string& host, int port, sockaddr_storage* out, Failure* failure) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV | (host.empty() ? AI_PASSIVE : 0);
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found);
  if (rc != 0 || found == nullptr) {
    *failure = {"E_RDMA_SYSCALL", EINVAL, "cannot resolve " + host + ": " + gai_strerror(rc)};
    return false;
  }
  std::memcpy(out, found->ai_addr, found->ai_addrlen);
  freeaddrinfo(found);
  return true;
}

}  // namespace rdma

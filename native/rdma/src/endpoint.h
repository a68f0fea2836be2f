// One RC queue pair set up through rdma_cm, its memory registration and completion queues.
// Shared (std::shared_ptr) between the JS Connection object and the workers polling its queues.
#pragma once

#include <atomic>
#include <memory>
#include <cstdint>
#include <string>

#include "dl.h"
#include "errors.h"

namespace rdma {

// Sent in rdma_cm private data so each side learns where it may RDMA WRITE.
struct Region {
  uint64_t addr = 0;
  uint32_t rkey = 0;
  uint32_t length = 0;
};

struct Endpoint {
  const Verbs* verbs = nullptr;
  const RdmaCm* cm = nullptr;
  rdma_event_channel* channel = nullptr;  // owned only when `owns_channel`
  bool owns_channel = false;
  rdma_cm_id* id = nullptr;
  ibv_pd* pd = nullptr;
  ibv_cq* send_cq = nullptr;
  ibv_cq* recv_cq = nullptr;
  ibv_mr* mr = nullptr;
  bool has_qp = false;
  void* addr = nullptr;
  size_t length = 0;
  Region remote;
  std::shared_ptr<void> keep_alive;  // an accepted id reports on its listener's channel: keep it open
  std::atomic<bool> closed{false};
  std::atomic<bool> send_busy{false};
  std::atomic<bool> recv_busy{false};

  ~Endpoint();
  // PD, two CQs, the RC QP and the memory registration on `id`.
  bool Setup(Failure* failure);
  Region Local() const;
};

// Waits (poll() on the channel fd, so `cancel` is honoured) for `want` on `channel`.
// On success the event is copied out and acked; `private_data` (if any) is copied into `region`.
bool WaitCmEvent(const RdmaCm* cm, rdma_event_channel* channel, rdma_cm_event_type want, int timeout_ms,
                 const std::atomic<bool>* cancel, rdma_cm_id** event_id, Region* region, Failure* failure);

// Polls `cq` for one completion; returns its byte count (recv) through `bytes`.
bool WaitCompletion(Endpoint* endpoint, ibv_cq* cq, int timeout_ms, uint32_t* bytes, Failure* failure);

bool ResolveAddress(const std::string& host, int port, sockaddr_storage* out, Failure* failure);

}  // namespace rdma

#include "dl.h"

#include <dlfcn.h>

#include <mutex>

namespace rdma {

namespace {

#ifdef __APPLE__
const char* kVerbsLib = "libibverbs.dylib";
const char* kRdmaCmLib = "librdmacm.dylib";
#else
const char* kVerbsLib = "libibverbs.so.1";
const char* kRdmaCmLib = "librdmacm.so.1";
#endif

template <typename Fn>
bool Resolve(void* lib, const char* name, Fn* out, std::string* missing) {
  void* sym = dlsym(lib, name);
  if (sym == nullptr) {
    if (missing->empty()) *missing = name;
    return false;
  }
  *out = reinterpret_cast<Fn>(sym);
  return true;
}

struct Loaded {
  std::once_flag once;
  bool ok = false;
  std::string why;
};

Verbs verbs;
Loaded verbs_state;
RdmaCm cm;
Loaded cm_state;

void LoadVerbsOnce() {
  void* lib = dlopen(kVerbsLib, RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    verbs_state.why = std::string(kVerbsLib) + " not found";
    return;
  }
  std::string missing;
  bool ok = true;
  ok &= Resolve(lib, "ibv_get_device_list", &verbs.get_device_list, &missing);
  ok &= Resolve(lib, "ibv_free_device_list", &verbs.free_device_list, &missing);
  ok &= Resolve(lib, "ibv_get_device_name", &verbs.get_device_name, &missing);
  ok &= Resolve(lib, "ibv_get_device_guid", &verbs.get_device_guid, &missing);
  ok &= Resolve(lib, "ibv_open_device", &verbs.open_device, &missing);
  ok &= Resolve(lib, "ibv_close_device", &verbs.close_device, &missing);
  ok &= Resolve(lib, "ibv_query_device", &verbs.query_device, &missing);
  ok &= Resolve(lib, "ibv_query_port", &verbs.query_port, &missing);
  ok &= Resolve(lib, "ibv_query_gid", &verbs.query_gid, &missing);
  ok &= Resolve(lib, "ibv_alloc_pd", &verbs.alloc_pd, &missing);
  ok &= Resolve(lib, "ibv_dealloc_pd", &verbs.dealloc_pd, &missing);
  ok &= Resolve(lib, "ibv_reg_mr", &verbs.reg_mr, &missing);
  ok &= Resolve(lib, "ibv_dereg_mr", &verbs.dereg_mr, &missing);
  ok &= Resolve(lib, "ibv_create_cq", &verbs.create_cq, &missing);
  ok &= Resolve(lib, "ibv_destroy_cq", &verbs.destroy_cq, &missing);
  if (!ok) {
    verbs_state.why = std::string(kVerbsLib) + " lacks " + missing;
    return;
  }
  verbs_state.ok = true;
}

void LoadRdmaCmOnce() {
  void* lib = dlopen(kRdmaCmLib, RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    cm_state.why = std::string(kRdmaCmLib) + " not found";
    return;
  }
  std::string missing;
  bool ok = true;
  ok &= Resolve(lib, "rdma_create_event_channel", &cm.create_event_channel, &missing);
  ok &= Resolve(lib, "rdma_destroy_event_channel", &cm.destroy_event_channel, &missing);
  ok &= Resolve(lib, "rdma_create_id", &cm.create_id, &missing);
  ok &= Resolve(lib, "rdma_destroy_id", &cm.destroy_id, &missing);
  ok &= Resolve(lib, "rdma_bind_addr", &cm.bind_addr, &missing);
  ok &= Resolve(lib, "rdma_resolve_addr", &cm.resolve_addr, &missing);
  ok &= Resolve(lib, "rdma_resolve_route", &cm.resolve_route, &missing);
  ok &= Resolve(lib, "rdma_create_qp", &cm.create_qp, &missing);
  ok &= Resolve(lib, "rdma_destroy_qp", &cm.destroy_qp, &missing);
  ok &= Resolve(lib, "rdma_connect", &cm.connect, &missing);
  ok &= Resolve(lib, "rdma_listen", &cm.listen, &missing);
  ok &= Resolve(lib, "rdma_accept", &cm.accept, &missing);
  ok &= Resolve(lib, "rdma_disconnect", &cm.disconnect, &missing);
  ok &= Resolve(lib, "rdma_get_cm_event", &cm.get_cm_event, &missing);
  ok &= Resolve(lib, "rdma_ack_cm_event", &cm.ack_cm_event, &missing);
  ok &= Resolve(lib, "rdma_event_str", &cm.event_str, &missing);
  if (!ok) {
    cm_state.why = std::string(kRdmaCmLib) + " lacks " + missing;
    return;
  }
  cm_state.ok = true;
}

}  // namespace

const Verbs* LoadVerbs(std::string* why) {
  std::call_once(verbs_state.once, LoadVerbsOnce);
  if (!verbs_state.ok && why != nullptr) *why = verbs_state.why;
  return verbs_state.ok ? &verbs : nullptr;
}

const RdmaCm* LoadRdmaCm(std::string* why) {
  std::call_once(cm_state.once, LoadRdmaCmOnce);
  if (!cm_state.ok && why != nullptr) *why = cm_state.why;
  return cm_state.ok ? &cm : nullptr;
}

const char* VerbsLibraryName() { return kVerbsLib; }
const char* RdmaCmLibraryName() { return kRdmaCmLib; }

}  // namespace rdma

#include "devices.h"

#include <cerrno>
#include <cstdio>
#include <string>

#include "dl.h"
#include "errors.h"

namespace rdma {

namespace {

// Apple's verbs report this transport for RDMA over Thunderbolt ("Thunderbolt (100)", TN3205).
constexpr int kTransportThunderbolt = 100;

std::string ProbeRdmaCm() {
  std::string why;
  const RdmaCm* cm = LoadRdmaCm(&why);
  if (cm == nullptr) return why;
  errno = 0;
  rdma_event_channel* channel = cm->create_event_channel();
  if (channel == nullptr) return std::string("rdma_cm: ") + ErrnoName(errno != 0 ? errno : ENODEV);
  cm->destroy_event_channel(channel);
  return "";
}

std::string FormatGuid(__be64 guid_be) {
  const uint8_t* b = reinterpret_cast<const uint8_t*>(&guid_be);
  char out[20];
  std::snprintf(out, sizeof out, "%02x%02x:%02x%02x:%02x%02x:%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5], b[6],
                b[7]);
  return out;
}

std::string FormatGid(const ibv_gid& gid) {
  const uint8_t* b = gid.raw;
  char out[40];
  std::snprintf(out, sizeof out, "%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return out;
}

const char* PortState(int state) {
  switch (state) {
    case IBV_PORT_DOWN: return "PORT_DOWN";
    case IBV_PORT_INIT: return "PORT_INIT";
    case IBV_PORT_ARMED: return "PORT_ARMED";
    case IBV_PORT_ACTIVE: return "PORT_ACTIVE";
    case IBV_PORT_ACTIVE_DEFER: return "PORT_ACTIVE_DEFER";
    default: return "PORT_NOP";
  }
}

const char* LinkLayer(int layer) {
  switch (layer) {
    case IBV_LINK_LAYER_INFINIBAND: return "InfiniBand";
    case IBV_LINK_LAYER_ETHERNET: return "Ethernet";
    default: return "unknown";
  }
}

int MtuBytes(int mtu) { return mtu >= IBV_MTU_256 && mtu <= IBV_MTU_4096 ? 128 << mtu : 0; }

// active_speed (per lane) × active_width (lanes), as ibv_devinfo decodes them.
double SpeedGbps(int speed, int width) {
  double lane = 0;
  switch (speed) {
    case 1: lane = 2.5; break;
    case 2: lane = 5.0; break;
    case 4: case 8: lane = 10.0; break;
    case 16: lane = 14.0; break;
    case 32: lane = 25.0; break;
    case 64: lane = 50.0; break;
    case 128: lane = 100.0; break;
  }
  int lanes = 0;
  switch (width) {
    case 1: lanes = 1; break;
    case 2: lanes = 4; break;
    case 4: lanes = 8; break;
    case 8: lanes = 12; break;
    case 16: lanes = 2; break;
  }
  return lane * lanes;
}

const char* Transport(int transport, int first_link_layer) {
  if (transport == kTransportThunderbolt) return "Thunderbolt";
  if (transport == IBV_TRANSPORT_IWARP) return "iWARP";
  if (transport == IBV_TRANSPORT_IB) return first_link_layer == IBV_LINK_LAYER_ETHERNET ? "RoCE" : "InfiniBand";
  return "unknown";
}

// One device; returns false with `failure` set when a query fails.
bool DescribeDevice(Napi::Env env, const Verbs* verbs, ibv_device* dev, Napi::Object* out, Failure* failure) {
  const char* name = verbs->get_device_name(dev);
  ibv_context* ctx = verbs->open_device(dev);
  if (ctx == nullptr) {
    *failure = Syscall(std::string("ibv_open_device(") + name + ")", errno != 0 ? errno : ENODEV);
    return false;
  }
  ibv_device_attr attr{};
  int rc = verbs->query_device(ctx, &attr);
  if (rc != 0) {
    verbs->close_device(ctx);
    *failure = Syscall(std::string("ibv_query_device(") + name + ")", rc);
    return false;
  }
  Napi::Array ports = Napi::Array::New(env);
  int first_link_layer = IBV_LINK_LAYER_UNSPECIFIED;
  for (int num = 1; num <= attr.phys_port_cnt; num++) {
    ibv_port_attr port{};
    rc = verbs->query_port(ctx, static_cast<uint8_t>(num), &port);
    if (rc != 0) {
      verbs->close_device(ctx);
      *failure = Syscall(std::string("ibv_query_port(") + name + ", " + std::to_string(num) + ")", rc);
      return false;
    }
    if (num == 1) first_link_layer = port.link_layer;
    Napi::Array gids = Napi::Array::New(env);
    int table = port.gid_tbl_len < 256 ? port.gid_tbl_len : 256;
    for (int i = 0; i < table; i++) {
      ibv_gid gid{};
      if (verbs->query_gid(ctx, static_cast<uint8_t>(num), i, &gid) != 0) break;
      bool empty = true;
      for (uint8_t byte : gid.raw) empty = empty && byte == 0;
      if (!empty) gids.Set(gids.Length(), FormatGid(gid));
    }
    Napi::Object p = Napi::Object::New(env);
    p.Set("num", num);
    p.Set("state", PortState(port.state));
    p.Set("speed", SpeedGbps(port.active_speed, port.active_width));
    p.Set("mtu", MtuBytes(port.active_mtu));
    p.Set("linkLayer", LinkLayer(port.link_layer));
    p.Set("gids", gids);
    ports.Set(ports.Length(), p);
  }
  *out = Napi::Object::New(env);
  out->Set("name", name);
  out->Set("guid", FormatGuid(verbs->get_device_guid(dev)));
  out->Set("transport", Transport(dev->transport_type, first_link_layer));
  out->Set("ports", ports);
  verbs->close_device(ctx);
  return true;
}

}  // namespace

Napi::Value Available(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  std::string why;
  const Verbs* verbs = LoadVerbs(&why);
  if (verbs == nullptr) {
    result.Set("ok", false);
    result.Set("reason", why);
    return result;
  }
  errno = 0;
  int count = 0;
  ibv_device** list = verbs->get_device_list(&count);
  int list_errno = list == nullptr ? (errno != 0 ? errno : ENODEV) : 0;
  if (list != nullptr) verbs->free_device_list(list);
  std::string cm_problem = ProbeRdmaCm();
  if (list == nullptr || count == 0) {
    std::string reason = list == nullptr ? "no RDMA devices (ibv_get_device_list: " + ExplainErrno(list_errno) + ")"
                                         : "no RDMA devices (ibv_get_device_list found none)";
    if (!cm_problem.empty()) reason += "; " + cm_problem;
    result.Set("ok", false);
    result.Set("reason", reason);
    result.Set("errno", ErrnoName(list_errno != 0 ? list_errno : ENODEV));
    return result;
  }
  if (!cm_problem.empty()) {
    result.Set("ok", false);
    result.Set("reason", cm_problem);
    size_t colon = cm_problem.find(": E");
    if (colon != std::string::npos) result.Set("errno", cm_problem.substr(colon + 2));
    return result;
  }
  result.Set("ok", true);
  result.Set("reason", std::to_string(count) + " RDMA device" + (count == 1 ? "" : "s"));
  return result;
}

Napi::Value ListDevices(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string why;
  const Verbs* verbs = LoadVerbs(&why);
  if (verbs == nullptr) throw ToJsError(env, Unavailable(why));
  errno = 0;
  int count = 0;
  ibv_device** list = verbs->get_device_list(&count);
  if (list == nullptr) {
    int err = errno != 0 ? errno : ENODEV;
    throw ToJsError(env, NoDevice("no RDMA devices (ibv_get_device_list: " + ExplainErrno(err) + ")", err));
  }
  if (count == 0) {
    verbs->free_device_list(list);
    throw ToJsError(env, NoDevice("no RDMA devices (ibv_get_device_list found none)", ENODEV));
  }
  Napi::Array devices = Napi::Array::New(env);
  for (int i = 0; i < count; i++) {
    Napi::Object device;
    Failure failure;
    if (!DescribeDevice(env, verbs, list[i], &device, &failure)) {
      verbs->free_device_list(list);
      throw ToJsError(env, failure);
    }
    devices.Set(devices.Length(), device);
  }
  verbs->free_device_list(list);
  return devices;
}

}  // namespace rdma

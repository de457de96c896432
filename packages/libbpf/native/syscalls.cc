// Free functions over file descriptors: link creation (tcx and XDP through a raw BPF_LINK_CREATE,
// since libbpf 1.1 knows no tcx), legacy tc clsact attachment, map operations, BPF_PROG_TEST_RUN,
// program queries, pinning and feature probes.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <net/if.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <vector>

#include "common.h"

namespace glia {

namespace {

// BPF_LINK_CREATE's attribute as kernels with tcx (6.6+) read it; Debian's 6.1 uapi header lacks
// the tcx member, so the layout is spelled out: tcx.relative_fd at byte 16, its
// expected_revision at byte 24.
struct LinkCreateAttr {
  uint32_t prog_fd;
  uint32_t target_ifindex;
  uint32_t attach_type;
  uint32_t flags;
  uint32_t relative_fd;
  uint32_t pad;
  uint64_t expected_revision;
};
static_assert(sizeof(LinkCreateAttr) <= sizeof(union bpf_attr), "link create attr fits bpf_attr");

int LinkCreate(uint32_t prog_fd, uint32_t ifindex, uint32_t attach_type, uint32_t flags) {
  union bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  LinkCreateAttr link = {prog_fd, ifindex, attach_type, flags, 0, 0, 0};
  memcpy(&attr, &link, sizeof(link));
  int fd = static_cast<int>(syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr)));
  return fd < 0 ? -errno : fd;
}

int64_t Arg(const Napi::CallbackInfo& info, size_t i, const char* name, bool* ok) {
  int64_t v = 0;
  *ok = *ok && IntArg(info, i, name, &v);
  return v;
}

// linkCreate(progFd, ifindex, attachType, flags) -> link fd. tcx: attachType 46/47 with flags
// BPF_F_BEFORE and no relative fd puts the program first; XDP: attachType BPF_XDP with the mode
// flag.
Napi::Value LinkCreateFn(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  bool ok = true;
  int64_t prog = Arg(info, 0, "progFd", &ok);
  int64_t ifindex = Arg(info, 1, "ifindex", &ok);
  int64_t type = Arg(info, 2, "attachType", &ok);
  int64_t flags = Arg(info, 3, "flags", &ok);
  if (!ok) return env.Undefined();
  int fd = LinkCreate(prog, ifindex, type, flags);
  if (fd < 0) {
    ThrowErrno(env, "link create (attach type " + std::to_string(type) + ", ifindex " +
                        std::to_string(ifindex) + ")",
               fd);
    return env.Undefined();
  }
  return Napi::Number::New(env, fd);
}

Napi::Value CloseFd(const Napi::CallbackInfo& info) {
  int64_t fd;
  if (!IntArg(info, 0, "fd", &fd)) return info.Env().Undefined();
  if (fd >= 0) close(static_cast<int>(fd));
  return info.Env().Undefined();
}

// tcAttach(ifindex, ingress, progFd, handle, priority): legacy tc clsact (netlink). Not owned by a
// file descriptor: it outlives the process unless detached.
Napi::Value TcAttach(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  bool ok = true;
  int64_t ifindex = Arg(info, 0, "ifindex", &ok);
  bool ingress = info[1].ToBoolean().Value();
  int64_t prog = Arg(info, 2, "progFd", &ok);
  int64_t handle = Arg(info, 3, "handle", &ok);
  int64_t priority = Arg(info, 4, "priority", &ok);
  if (!ok) return env.Undefined();
  LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = static_cast<int>(ifindex),
              .attach_point = ingress ? BPF_TC_INGRESS : BPF_TC_EGRESS);
  BeginLogCapture();
  int err = bpf_tc_hook_create(&hook);
  if (err != 0 && err != -EEXIST) {
    ThrowErrno(env, "tc clsact qdisc create", err, true);
    return env.Undefined();
  }
  LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = static_cast<int>(prog), .flags = BPF_TC_F_REPLACE,
              .handle = static_cast<uint32_t>(handle), .priority = static_cast<uint32_t>(priority));
  err = bpf_tc_attach(&hook, &opts);
  if (err != 0) ThrowErrno(env, "tc filter attach", err, true);
  return env.Undefined();
}

Napi::Value TcDetach(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  bool ok = true;
  int64_t ifindex = Arg(info, 0, "ifindex", &ok);
  bool ingress = info[1].ToBoolean().Value();
  int64_t handle = Arg(info, 2, "handle", &ok);
  int64_t priority = Arg(info, 3, "priority", &ok);
  if (!ok) return env.Undefined();
  LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = static_cast<int>(ifindex),
              .attach_point = ingress ? BPF_TC_INGRESS : BPF_TC_EGRESS);
  LIBBPF_OPTS(bpf_tc_opts, opts, .handle = static_cast<uint32_t>(handle),
              .priority = static_cast<uint32_t>(priority));
  int err = bpf_tc_detach(&hook, &opts);
  // Already gone (the device or the filter) is what detaching wanted.
  if (err != 0 && err != -ENOENT && err != -ENODEV && err != -EINVAL) ThrowErrno(env, "tc filter detach", err);
  return Napi::Boolean::New(env, err == 0);
}

// mapLookup(fd, key, value, flags) -> found. flags: BPF_F_LOCK etc.
Napi::Value MapLookup(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t fd;
  uint8_t *key, *value;
  size_t kl, vl;
  if (!IntArg(info, 0, "fd", &fd) || !BufferArg(info, 1, "key", &key, &kl) ||
      !BufferArg(info, 2, "value", &value, &vl))
    return env.Undefined();
  int err = bpf_map_lookup_elem(static_cast<int>(fd), key, value);
  if (err == 0) return Napi::Boolean::New(env, true);
  if (errno == ENOENT) return Napi::Boolean::New(env, false);
  ThrowErrno(env, "map lookup", errno);
  return env.Undefined();
}

Napi::Value MapUpdate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t fd, flags = 0;
  uint8_t *key, *value;
  size_t kl, vl;
  if (!IntArg(info, 0, "fd", &fd) || !BufferArg(info, 1, "key", &key, &kl) ||
      !BufferArg(info, 2, "value", &value, &vl))
    return env.Undefined();
  if (info.Length() > 3 && !IntArg(info, 3, "flags", &flags)) return env.Undefined();
  if (bpf_map_update_elem(static_cast<int>(fd), key, value, static_cast<uint64_t>(flags)) != 0)
    ThrowErrno(env, "map update", errno);
  return env.Undefined();
}

Napi::Value MapDelete(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t fd;
  uint8_t* key;
  size_t kl;
  if (!IntArg(info, 0, "fd", &fd) || !BufferArg(info, 1, "key", &key, &kl)) return env.Undefined();
  if (bpf_map_delete_elem(static_cast<int>(fd), key) == 0) return Napi::Boolean::New(env, true);
  if (errno == ENOENT) return Napi::Boolean::New(env, false);
  ThrowErrno(env, "map delete", errno);
  return env.Undefined();
}

// mapNextKey(fd, key | null, next) -> whether a next key was written.
Napi::Value MapNextKey(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t fd;
  uint8_t *key = nullptr, *next;
  size_t kl, nl;
  if (!IntArg(info, 0, "fd", &fd)) return env.Undefined();
  if (!info[1].IsNull() && !BufferArg(info, 1, "key", &key, &kl)) return env.Undefined();
  if (!BufferArg(info, 2, "next", &next, &nl)) return env.Undefined();
  if (bpf_map_get_next_key(static_cast<int>(fd), key, next) == 0) return Napi::Boolean::New(env, true);
  if (errno == ENOENT) return Napi::Boolean::New(env, false);
  ThrowErrno(env, "map get next key", errno);
  return env.Undefined();
}

// mapLookupBatch(fd, inBatch | null, outBatch, keys, values, count, andDelete) ->
// { count, done }. ENOENT from the kernel means the last batch was returned.
Napi::Value MapLookupBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t fd, count;
  uint8_t *in = nullptr, *out, *keys, *values;
  size_t l;
  if (!IntArg(info, 0, "fd", &fd)) return env.Undefined();
  if (!info[1].IsNull() && !BufferArg(info, 1, "inBatch", &in, &l)) return env.Undefined();
  if (!BufferArg(info, 2, "outBatch", &out, &l) || !BufferArg(info, 3, "keys", &keys, &l) ||
      !BufferArg(info, 4, "values", &values, &l) || !IntArg(info, 5, "count", &count))
    return env.Undefined();
  bool andDelete = info[6].ToBoolean().Value();
  __u32 n = static_cast<__u32>(count);
  int err = andDelete ? bpf_map_lookup_and_delete_batch(static_cast<int>(fd), in, out, keys, values, &n, nullptr)
                      : bpf_map_lookup_batch(static_cast<int>(fd), in, out, keys, values, &n, nullptr);
  int saved = errno;
  if (err != 0 && saved != ENOENT) {
    ThrowErrno(env, andDelete ? "map lookup and delete batch" : "map lookup batch", saved);
    return env.Undefined();
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("count", n);
  result.Set("done", err != 0);
  return result;
}

// testRun(progFd, dataIn, ctxIn | null, repeat, dataOutSize, ctxOutSize) ->
// { retval, duration, dataOut, ctxOut }.
Napi::Value TestRun(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t fd, repeat, outSize, ctxOutSize;
  uint8_t *data, *ctx = nullptr;
  size_t dl, cl = 0;
  if (!IntArg(info, 0, "progFd", &fd) || !BufferArg(info, 1, "data", &data, &dl)) return env.Undefined();
  if (!info[2].IsNull() && !BufferArg(info, 2, "ctx", &ctx, &cl)) return env.Undefined();
  if (!IntArg(info, 3, "repeat", &repeat) || !IntArg(info, 4, "dataOutSize", &outSize) ||
      !IntArg(info, 5, "ctxOutSize", &ctxOutSize))
    return env.Undefined();
  std::vector<uint8_t> dataOut(static_cast<size_t>(outSize));
  std::vector<uint8_t> ctxOut(static_cast<size_t>(ctxOutSize));
  LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = data, .data_out = dataOut.data(),
              .data_size_in = static_cast<__u32>(dl), .data_size_out = static_cast<__u32>(outSize),
              .ctx_in = ctx, .ctx_out = ctxOutSize > 0 ? ctxOut.data() : nullptr,
              .ctx_size_in = static_cast<__u32>(cl), .ctx_size_out = static_cast<__u32>(ctxOutSize),
              .repeat = static_cast<int>(repeat));
  if (bpf_prog_test_run_opts(static_cast<int>(fd), &opts) != 0) {
    ThrowErrno(env, "BPF_PROG_TEST_RUN", errno);
    return env.Undefined();
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("retval", static_cast<double>(static_cast<int32_t>(opts.retval)));
  result.Set("duration", static_cast<double>(opts.duration));
  result.Set("dataOut", Napi::Buffer<uint8_t>::Copy(env, dataOut.data(), opts.data_size_out));
  result.Set("ctxOut", Napi::Buffer<uint8_t>::Copy(env, ctxOut.data(), opts.ctx_size_out));
  return result;
}

// progQuery(ifindex, attachType) -> program ids attached to that hook. Works for tcx (46/47) on
// kernels that have it; EINVAL elsewhere.
Napi::Value ProgQuery(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  bool ok = true;
  int64_t target = Arg(info, 0, "ifindex", &ok);
  int64_t type = Arg(info, 1, "attachType", &ok);
  if (!ok) return env.Undefined();
  __u32 ids[64];
  LIBBPF_OPTS(bpf_prog_query_opts, opts, .prog_ids = ids, .prog_cnt = 64);
  if (bpf_prog_query_opts(static_cast<int>(target), static_cast<enum bpf_attach_type>(type), &opts) != 0) {
    ThrowErrno(env, "prog query (attach type " + std::to_string(type) + ")", errno);
    return env.Undefined();
  }
  Napi::Array out = Napi::Array::New(env);
  for (__u32 i = 0; i < opts.prog_cnt && i < 64; i++) out.Set(i, ids[i]);
  return out;
}

// xdpQuery(ifindex) -> { mode, progId } of the XDP program attached to a device (netlink).
Napi::Value XdpQuery(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t ifindex;
  if (!IntArg(info, 0, "ifindex", &ifindex)) return env.Undefined();
  LIBBPF_OPTS(bpf_xdp_query_opts, opts);
  int err = bpf_xdp_query(static_cast<int>(ifindex), 0, &opts);
  if (err != 0) {
    ThrowErrno(env, "xdp query", err);
    return env.Undefined();
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("mode", opts.attach_mode);
  result.Set("progId", opts.prog_id);
  result.Set("skbProgId", opts.skb_prog_id);
  result.Set("drvProgId", opts.drv_prog_id);
  return result;
}

// progId(fd) -> the kernel's id of a loaded program.
Napi::Value ProgId(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t fd;
  if (!IntArg(info, 0, "fd", &fd)) return env.Undefined();
  struct bpf_prog_info prog = {};
  __u32 len = sizeof(prog);
  if (bpf_obj_get_info_by_fd(static_cast<int>(fd), &prog, &len) != 0) {
    ThrowErrno(env, "program info", errno);
    return env.Undefined();
  }
  return Napi::Number::New(env, prog.id);
}

Napi::Value ObjPin(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t fd;
  if (!IntArg(info, 0, "fd", &fd) || !info[1].IsString()) return env.Undefined();
  std::string path = info[1].As<Napi::String>();
  if (bpf_obj_pin(static_cast<int>(fd), path.c_str()) != 0) ThrowErrno(env, "pin at " + path, errno);
  return env.Undefined();
}

Napi::Value ObjGet(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) return env.Undefined();
  std::string path = info[0].As<Napi::String>();
  int fd = bpf_obj_get(path.c_str());
  if (fd < 0) {
    ThrowErrno(env, "open pinned object " + path, errno);
    return env.Undefined();
  }
  return Napi::Number::New(env, fd);
}

Napi::Value IfNameToIndex(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) return env.Undefined();
  std::string name = info[0].As<Napi::String>();
  unsigned index = if_nametoindex(name.c_str());
  if (index == 0) {
    ThrowErrno(env, "interface " + name, errno);
    return env.Undefined();
  }
  return Napi::Number::New(env, index);
}

// probeProgType(type) / probeMapType(type): 1 supported, 0 not, negative errno when unknown.
Napi::Value ProbeProgType(const Napi::CallbackInfo& info) {
  int64_t type;
  if (!IntArg(info, 0, "type", &type)) return info.Env().Undefined();
  return Napi::Number::New(info.Env(), libbpf_probe_bpf_prog_type(static_cast<enum bpf_prog_type>(type), nullptr));
}

Napi::Value ProbeMapType(const Napi::CallbackInfo& info) {
  int64_t type;
  if (!IntArg(info, 0, "type", &type)) return info.Env().Undefined();
  return Napi::Number::New(info.Env(), libbpf_probe_bpf_map_type(static_cast<enum bpf_map_type>(type), nullptr));
}

Napi::Value NumPossibleCpus(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), libbpf_num_possible_cpus());
}

Napi::Value LibbpfVersion(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), libbpf_version_string());
}

}  // namespace

void InitSyscalls(Napi::Env env, Napi::Object exports) {
  exports.Set("linkCreate", Napi::Function::New(env, LinkCreateFn));
  exports.Set("closeFd", Napi::Function::New(env, CloseFd));
  exports.Set("tcAttach", Napi::Function::New(env, TcAttach));
  exports.Set("tcDetach", Napi::Function::New(env, TcDetach));
  exports.Set("mapLookup", Napi::Function::New(env, MapLookup));
  exports.Set("mapUpdate", Napi::Function::New(env, MapUpdate));
  exports.Set("mapDelete", Napi::Function::New(env, MapDelete));
  exports.Set("mapNextKey", Napi::Function::New(env, MapNextKey));
  exports.Set("mapLookupBatch", Napi::Function::New(env, MapLookupBatch));
  exports.Set("testRun", Napi::Function::New(env, TestRun));
  exports.Set("progQuery", Napi::Function::New(env, ProgQuery));
  exports.Set("xdpQuery", Napi::Function::New(env, XdpQuery));
  exports.Set("objPin", Napi::Function::New(env, ObjPin));
  exports.Set("progId", Napi::Function::New(env, ProgId));
  exports.Set("objGet", Napi::Function::New(env, ObjGet));
  exports.Set("ifNameToIndex", Napi::Function::New(env, IfNameToIndex));
  exports.Set("probeProgType", Napi::Function::New(env, ProbeProgType));
  exports.Set("probeMapType", Napi::Function::New(env, ProbeMapType));
  exports.Set("numPossibleCpus", Napi::Function::New(env, NumPossibleCpus));
  exports.Set("libbpfVersion", Napi::Function::New(env, LibbpfVersion));
}

}  // namespace glia

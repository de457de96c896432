// BpfObject: one ELF object opened and loaded by libbpf (CO-RE relocations against the kernel's
// BTF happen in bpf_object__load). Programs and maps are addressed by name; their file
// descriptors stay owned by the object until close().
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>

#include "common.h"

namespace glia {

namespace {

class BpfObject : public Napi::ObjectWrap<BpfObject> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "BpfObject",
                       {
                           InstanceMethod<&BpfObject::Load>("load"),
                           InstanceMethod<&BpfObject::Close>("close"),
                           InstanceMethod<&BpfObject::Programs>("programs"),
                           InstanceMethod<&BpfObject::Maps>("maps"),
                           InstanceMethod<&BpfObject::SetMapMaxEntries>("setMapMaxEntries"),
                           InstanceMethod<&BpfObject::MapInitialValue>("mapInitialValue"),
                           InstanceMethod<&BpfObject::SetMapInitialValue>("setMapInitialValue"),
                           InstanceMethod<&BpfObject::SetProgramType>("setProgramType"),
                           InstanceMethod<&BpfObject::SetAutoload>("setAutoload"),
                           InstanceMethod<&BpfObject::PinMap>("pinMap"),
                           InstanceMethod<&BpfObject::ReuseMapFd>("reuseMapFd"),
                       });
  }

  explicit BpfObject(const Napi::CallbackInfo& info) : Napi::ObjectWrap<BpfObject>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsString()) {
      Napi::TypeError::New(env, "path must be a string").ThrowAsJavaScriptException();
      return;
    }
    std::string path = info[0].As<Napi::String>();
    BeginLogCapture();
    obj_ = bpf_object__open_file(path.c_str(), nullptr);
    int err = libbpf_get_error(obj_);
    if (err != 0) {
      obj_ = nullptr;
      ThrowErrno(env, "open " + path, err, true);
    }
  }

  ~BpfObject() override { Release(); }

 private:
  void Release() {
    if (obj_ != nullptr) bpf_object__close(obj_);
    obj_ = nullptr;
  }

  bool Open(Napi::Env env) {
    if (obj_ != nullptr) return true;
    Napi::Error::New(env, "the BPF object is closed").ThrowAsJavaScriptException();
    return false;
  }

  bpf_map* MapByName(Napi::Env env, const Napi::Value& value) {
    if (!Open(env)) return nullptr;
    if (!value.IsString()) {
      Napi::TypeError::New(env, "map name must be a string").ThrowAsJavaScriptException();
      return nullptr;
    }
    std::string name = value.As<Napi::String>();
    bpf_map* map = bpf_object__find_map_by_name(obj_, name.c_str());
    if (map == nullptr) Napi::Error::New(env, "no map named " + name).ThrowAsJavaScriptException();
    return map;
  }

  bpf_program* ProgramByName(Napi::Env env, const Napi::Value& value) {
    if (!Open(env)) return nullptr;
    if (!value.IsString()) {
      Napi::TypeError::New(env, "program name must be a string").ThrowAsJavaScriptException();
      return nullptr;
    }
    std::string name = value.As<Napi::String>();
    bpf_program* prog = bpf_object__find_program_by_name(obj_, name.c_str());
    if (prog == nullptr) Napi::Error::New(env, "no program named " + name).ThrowAsJavaScriptException();
    return prog;
  }

  Napi::Value Load(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!Open(env)) return env.Undefined();
    BeginLogCapture();
    int err = bpf_object__load(obj_);
    if (err != 0) ThrowErrno(env, std::string("load ") + bpf_object__name(obj_), err, true);
    return env.Undefined();
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    Release();
    return info.Env().Undefined();
  }

  Napi::Value Programs(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!Open(env)) return env.Undefined();
    Napi::Array out = Napi::Array::New(env);
    uint32_t i = 0;
    bpf_program* prog;
    bpf_object__for_each_program(prog, obj_) {
      Napi::Object p = Napi::Object::New(env);
      p.Set("name", bpf_program__name(prog));
      p.Set("section", bpf_program__section_name(prog));
      p.Set("type", static_cast<double>(bpf_program__type(prog)));
      p.Set("fd", bpf_program__fd(prog));
      out.Set(i++, p);
    }
    return out;
  }

  Napi::Value Maps(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!Open(env)) return env.Undefined();
    Napi::Array out = Napi::Array::New(env);
    uint32_t i = 0;
    bpf_map* map;
    bpf_object__for_each_map(map, obj_) {
      Napi::Object m = Napi::Object::New(env);
      m.Set("name", bpf_map__name(map));
      m.Set("type", static_cast<double>(bpf_map__type(map)));
      m.Set("fd", bpf_map__fd(map));
      m.Set("keySize", bpf_map__key_size(map));
      m.Set("valueSize", bpf_map__value_size(map));
      m.Set("maxEntries", bpf_map__max_entries(map));
      out.Set(i++, m);
    }
    return out;
  }

  Napi::Value SetMapMaxEntries(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    bpf_map* map = MapByName(env, info[0]);
    int64_t entries;
    if (map == nullptr || !IntArg(info, 1, "maxEntries", &entries)) return env.Undefined();
    int err = bpf_map__set_max_entries(map, static_cast<uint32_t>(entries));
    if (err != 0) ThrowErrno(env, std::string("set max entries of ") + bpf_map__name(map), err);
    return env.Undefined();
  }

  // The initial contents of a global-data map (.rodata, .data, .bss) before load, as a copy.
  Napi::Value MapInitialValue(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    bpf_map* map = MapByName(env, info[0]);
    if (map == nullptr) return env.Undefined();
    size_t size = 0;
    const void* data = bpf_map__initial_value(map, &size);
    if (data == nullptr) return env.Null();
    return Napi::Buffer<uint8_t>::Copy(env, static_cast<const uint8_t*>(data), size);
  }

  Napi::Value SetMapInitialValue(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    bpf_map* map = MapByName(env, info[0]);
    uint8_t* data;
    size_t length;
    if (map == nullptr || !BufferArg(info, 1, "value", &data, &length)) return env.Undefined();
    int err = bpf_map__set_initial_value(map, data, length);
    if (err != 0) ThrowErrno(env, std::string("set initial value of ") + bpf_map__name(map), err);
    return env.Undefined();
  }

  Napi::Value SetProgramType(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    bpf_program* prog = ProgramByName(env, info[0]);
    int64_t type;
    if (prog == nullptr || !IntArg(info, 1, "type", &type)) return env.Undefined();
    int err = bpf_program__set_type(prog, static_cast<enum bpf_prog_type>(type));
    if (err != 0) ThrowErrno(env, std::string("set type of ") + bpf_program__name(prog), err);
    return env.Undefined();
  }

  Napi::Value SetAutoload(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    bpf_program* prog = ProgramByName(env, info[0]);
    if (prog == nullptr) return env.Undefined();
    int err = bpf_program__set_autoload(prog, info[1].ToBoolean().Value());
    if (err != 0) ThrowErrno(env, std::string("set autoload of ") + bpf_program__name(prog), err);
    return env.Undefined();
  }

  Napi::Value PinMap(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    bpf_map* map = MapByName(env, info[0]);
    if (map == nullptr) return env.Undefined();
    if (!info[1].IsString()) {
      Napi::TypeError::New(env, "path must be a string").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    std::string path = info[1].As<Napi::String>();
    BeginLogCapture();
    int err = bpf_map__pin(map, path.c_str());
    if (err != 0) ThrowErrno(env, "pin map " + std::string(bpf_map__name(map)) + " at " + path, err, true);
    return env.Undefined();
  }

  // Before load: use an existing map (e.g. a pinned one) instead of creating this one.
  Napi::Value ReuseMapFd(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    bpf_map* map = MapByName(env, info[0]);
    int64_t fd;
    if (map == nullptr || !IntArg(info, 1, "fd", &fd)) return env.Undefined();
    BeginLogCapture();
    int err = bpf_map__reuse_fd(map, static_cast<int>(fd));
    if (err != 0) ThrowErrno(env, std::string("reuse map fd for ") + bpf_map__name(map), err, true);
    return env.Undefined();
  }

  bpf_object* obj_ = nullptr;
};

}  // namespace

void InitObject(Napi::Env env, Napi::Object exports) { exports.Set("BpfObject", BpfObject::Define(env)); }

}  // namespace glia

#include "common.h"

#include <bpf/libbpf.h>
#include <string.h>

#include <cstdarg>
#include <cstdio>

namespace glia {

namespace {

constexpr size_t kMaxLog = 256 * 1024;
std::string g_log;

int PrintHandler(enum libbpf_print_level level, const char* format, va_list args) {
  if (level == LIBBPF_DEBUG) return 0;
  // The verifier log arrives as one message of any size: measure it, then format it whole.
  va_list copy;
  va_copy(copy, args);
  int n = vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  if (n <= 0) return 0;
  std::string text(static_cast<size_t>(n) + 1, '\0');
  vsnprintf(text.data(), text.size(), format, args);
  text.resize(static_cast<size_t>(n));
  g_log += text;
  // The end of a verifier log says why; keep the last kMaxLog bytes.
  if (g_log.size() > kMaxLog) g_log.erase(0, g_log.size() - kMaxLog);
  return 0;
}

}  // namespace

void BeginLogCapture() { g_log.clear(); }

std::string CapturedLog() { return g_log; }

void InstallPrintHandler() { libbpf_set_print(PrintHandler); }

Napi::Error ErrnoError(Napi::Env env, const std::string& op, int err, bool withLog) {
  const char* name = strerrorname_np(err);
  std::string message = op + ": " + strerror(err) + " (" + (name != nullptr ? name : "E?") + ")";
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("errno", Napi::Number::New(env, err));
  error.Set("code", Napi::String::New(env, name != nullptr ? name : "EUNKNOWN"));
  error.Set("op", Napi::String::New(env, op));
  if (withLog) {
    std::string log = CapturedLog();
    if (!log.empty()) error.Set("log", Napi::String::New(env, log));
  }
  return error;
}

bool BufferArg(const Napi::CallbackInfo& info, size_t index, const char* name, uint8_t** data,
               size_t* length) {
  if (info.Length() <= index || !info[index].IsBuffer()) {
    Napi::TypeError::New(info.Env(), std::string(name) + " must be a Buffer").ThrowAsJavaScriptException();
    return false;
  }
  auto buffer = info[index].As<Napi::Buffer<uint8_t>>();
  *data = buffer.Data();
  *length = buffer.Length();
  return true;
}

bool IntArg(const Napi::CallbackInfo& info, size_t index, const char* name, int64_t* value) {
  if (info.Length() <= index || !info[index].IsNumber()) {
    Napi::TypeError::New(info.Env(), std::string(name) + " must be a number").ThrowAsJavaScriptException();
    return false;
  }
  *value = info[index].As<Napi::Number>().Int64Value();
  return true;
}

}  // namespace glia

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  glia::InstallPrintHandler();
  glia::InitObject(env, exports);
  glia::InitSyscalls(env, exports);
  glia::InitRingBuffer(env, exports);
  return exports;
}

NODE_API_MODULE(glia_libbpf, Init)

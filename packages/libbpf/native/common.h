// Shared helpers of the glia libbpf addon: errors that carry errno and libbpf's log, and the
// capture of libbpf's print output (where the verifier log arrives when a load fails).
#pragma once

#include <napi.h>

#include <string>

namespace glia {

// Starts collecting libbpf's messages (warnings, the verifier log) for the operation that follows.
void BeginLogCapture();
// What libbpf printed since BeginLogCapture(), bounded to the last 256 KiB.
std::string CapturedLog();
void InstallPrintHandler();

// A JS Error: "<op>: <strerror> (<ERRNAME>)" with properties errno, code, op and, when libbpf
// printed something during the operation, log.
Napi::Error ErrnoError(Napi::Env env, const std::string& op, int err, bool withLog = false);

// Throws ErrnoError when err < 0 (a negative errno, as libbpf returns them); returns err.
inline void ThrowErrno(Napi::Env env, const std::string& op, int err, bool withLog = false) {
  ErrnoError(env, op, err < 0 ? -err : err, withLog).ThrowAsJavaScriptException();
}

// Reads a Buffer argument, throwing a TypeError naming the argument otherwise.
bool BufferArg(const Napi::CallbackInfo& info, size_t index, const char* name, uint8_t** data,
               size_t* length);
bool IntArg(const Napi::CallbackInfo& info, size_t index, const char* name, int64_t* value);

void InitObject(Napi::Env env, Napi::Object exports);
void InitSyscalls(Napi::Env env, Napi::Object exports);
void InitRingBuffer(Napi::Env env, Napi::Object exports);

}  // namespace glia

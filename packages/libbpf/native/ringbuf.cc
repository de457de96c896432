// RingBuffer: a BPF ring buffer map read from Node's event loop. libbpf's epoll file descriptor is
// watched by a uv_poll_t; when it turns readable every available record is consumed into one
// batch and JavaScript is called once with it. No thread, no busy polling.
//
// Batch layout: for each record a little-endian u32 length, then the record's bytes, then zero
// padding so the entry (length included) is a multiple of 8 bytes.
#include <bpf/libbpf.h>
#include <uv.h>

#include <string.h>

#include <memory>
#include <vector>

#include "common.h"

namespace glia {

namespace {

// Records consumed in one turn are capped, so one busy ring cannot hold the event loop for long;
// what is left is read on the next turn (the fd stays readable).
constexpr size_t kMaxBatchBytes = 8 * 1024 * 1024;

struct Poller {
  uv_poll_t handle;
  class RingBuffer* owner;
};

class RingBuffer : public Napi::ObjectWrap<RingBuffer> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "RingBuffer",
                       {
                           InstanceMethod<&RingBuffer::Consume>("consume"),
                           InstanceMethod<&RingBuffer::Close>("close"),
                           InstanceMethod<&RingBuffer::EpollFd>("epollFd"),
                       });
  }

  // new RingBuffer(mapFd, onBatch | null): with a callback, polling starts at once.
  explicit RingBuffer(const Napi::CallbackInfo& info) : Napi::ObjectWrap<RingBuffer>(info) {
    Napi::Env env = info.Env();
    int64_t fd;
    if (!IntArg(info, 0, "mapFd", &fd)) return;
    BeginLogCapture();
    rb_ = ring_buffer__new(static_cast<int>(fd), &RingBuffer::OnSample, this, nullptr);
    if (rb_ == nullptr) {
      ThrowErrno(env, "ring buffer on map fd " + std::to_string(fd), errno, true);
      return;
    }
    if (info.Length() > 1 && info[1].IsFunction()) {
      callback_ = Napi::Persistent(info[1].As<Napi::Function>());
      context_ = std::make_unique<Napi::AsyncContext>(env, "glia:ringbuf");
      uv_loop_t* loop = nullptr;
      napi_get_uv_event_loop(env, &loop);
      poller_ = new Poller();
      poller_->owner = this;
      int err = uv_poll_init(loop, &poller_->handle, ring_buffer__epoll_fd(rb_));
      if (err == 0) err = uv_poll_start(&poller_->handle, UV_READABLE, &RingBuffer::OnReadable);
      if (err != 0) {
        Napi::Error::New(env, std::string("uv_poll on the ring buffer: ") + uv_strerror(err))
            .ThrowAsJavaScriptException();
        return;
      }
      // Keeps the JS object (and so this) alive while polling.
      Ref();
      polling_ = true;
    }
  }

  ~RingBuffer() override { Shutdown(false); }

 private:
  static int OnSample(void* ctx, void* data, size_t size) {
    auto* self = static_cast<RingBuffer*>(ctx);
    auto& batch = self->batch_;
    uint32_t length = static_cast<uint32_t>(size);
    size_t at = batch.size();
    batch.resize(at + ((4 + size + 7) & ~static_cast<size_t>(7)), 0);
    memcpy(batch.data() + at, &length, 4);
    memcpy(batch.data() + at + 4, data, size);
    self->count_++;
    // A positive return stops ring_buffer__consume: the rest waits for the next turn.
    return batch.size() >= kMaxBatchBytes ? 1 : 0;
  }

  static void OnReadable(uv_poll_t* handle, int status, int events) {
    auto* poller = reinterpret_cast<Poller*>(handle);
    RingBuffer* self = poller->owner;
    if (self == nullptr || status < 0) return;
    self->Deliver();
  }

  int Drain() {
    batch_.clear();
    count_ = 0;
    int n = ring_buffer__consume(rb_);
    return n;
  }

  void Deliver() {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    int n = Drain();
    if (n < 0 && count_ == 0) return;
    if (count_ == 0) return;
    Napi::Buffer<uint8_t> buffer = Napi::Buffer<uint8_t>::Copy(env, batch_.data(), batch_.size());
    callback_.MakeCallback(Value(), {buffer, Napi::Number::New(env, count_)}, *context_);
  }

  // consume() -> the batch of every available record (or null when none), without the callback.
  Napi::Value Consume(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (rb_ == nullptr) {
      Napi::Error::New(env, "the ring buffer is closed").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    int n = Drain();
    if (n < 0 && count_ == 0) {
      ThrowErrno(env, "ring buffer consume", n);
      return env.Undefined();
    }
    if (count_ == 0) return env.Null();
    return Napi::Buffer<uint8_t>::Copy(env, batch_.data(), batch_.size());
  }

  Napi::Value EpollFd(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), rb_ == nullptr ? -1 : ring_buffer__epoll_fd(rb_));
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    Shutdown(true);
    return info.Env().Undefined();
  }

  void Shutdown(bool release) {
    if (poller_ != nullptr) {
      uv_poll_stop(&poller_->handle);
      poller_->owner = nullptr;
      // The ring buffer (and its epoll fd) is freed only after libuv let go of the handle.
      struct ring_buffer* rb = rb_;
      poller_->handle.data = rb;
      uv_close(reinterpret_cast<uv_handle_t*>(&poller_->handle), [](uv_handle_t* h) {
        auto* rb = static_cast<struct ring_buffer*>(h->data);
        if (rb != nullptr) ring_buffer__free(rb);
        delete reinterpret_cast<Poller*>(h);
      });
      poller_ = nullptr;
      rb_ = nullptr;
    }
    if (rb_ != nullptr) {
      ring_buffer__free(rb_);
      rb_ = nullptr;
    }
    if (polling_ && release) {
      polling_ = false;
      callback_.Reset();
      Unref();
    }
  }

  struct ring_buffer* rb_ = nullptr;
  Poller* poller_ = nullptr;
  bool polling_ = false;
  Napi::FunctionReference callback_;
  std::unique_ptr<Napi::AsyncContext> context_;
  std::vector<uint8_t> batch_;
  uint32_t count_ = 0;
};

}  // namespace

void InitRingBuffer(Napi::Env env, Napi::Object exports) {
  exports.Set("RingBuffer", RingBuffer::Define(env));
}

}  // namespace glia

/*
 * A small libpcap binding for live AF_PACKET capture, written for glia's af_packet plugin.
 *
 * Why not the `cap` package: it aborts the whole process (an assertion in its poll callback) when
 * the captured device goes down or is deleted, it has no drop statistics, no packet timestamps and a
 * fixed 65535-byte snap length, and it calls into JavaScript once per packet with no bound on how
 * many packets one event-loop turn handles. This binding:
 *   - opens a handle with TPACKET_V3 (packets packed into ring blocks by their real size, so a big
 *     snap length costs no ring space), nanosecond kernel timestamps, no promiscuous mode;
 *   - watches the socket with a libuv poll handle and, each time it is readable, reads at most
 *     `max_packets` packets into one caller-owned batch buffer, then calls JavaScript once;
 *   - reports a device that went down or disappeared to JavaScript as an error (never aborts);
 *   - exposes pcap_stats (received, dropped by the ring, dropped by the interface).
 * Main thread only, like everything that touches the JavaScript values it calls.
 *
 * Batch record layout (host byte order, 4-byte aligned): u32 sec, u32 nsec, u32 caplen, u32 wirelen,
 * then caplen bytes padded to a multiple of 4.
 */
#include <node_api.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define RECORD_HEADER 16u
#define CHECK(call)                                                                              \
  do {                                                                                           \
    if ((call) != napi_ok) return NULL;                                                          \
  } while (0)

typedef struct capture {
  pcap_t *pcap;
  uv_poll_t poll;
  int polling;
  int closed;
  int snaplen;
  napi_env env;
  napi_ref on_batch;
  napi_ref on_error;
  napi_ref batch_ref;
  napi_async_context async;
  uint8_t *batch;
  size_t batch_capacity;
  size_t batch_used;
  uint32_t batch_count;
  int max_packets;
} capture;

static napi_value throw_error(napi_env env, const char *what, const char *detail) {
  char message[PCAP_ERRBUF_SIZE + 128];
  snprintf(message, sizeof message, "%s: %s", what, detail);
  napi_throw_error(env, NULL, message);
  return NULL;
}

static int get_string(napi_env env, napi_value value, char *out, size_t size) {
  size_t length = 0;
  return napi_get_value_string_utf8(env, value, out, size, &length) == napi_ok;
}

static capture *unwrap(napi_env env, napi_value value) {
  void *data = NULL;
  if (napi_get_value_external(env, value, &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, NULL, "expected a capture handle");
    return NULL;
  }
  return (capture *)data;
}

static void poll_closed(uv_handle_t *handle) {
  capture *c = (capture *)handle->data;
  free(c);
}

/* Stops polling and closes libpcap. The struct itself is freed by the external's finalizer. */
static void shut(capture *c) {
  if (c->closed) return;
  c->closed = 1;
  if (c->polling) {
    uv_poll_stop(&c->poll);
    c->polling = 0;
  }
  if (c->pcap != NULL) {
    pcap_close(c->pcap);
    c->pcap = NULL;
  }
  if (c->env != NULL) {
    if (c->on_batch != NULL) napi_delete_reference(c->env, c->on_batch);
    if (c->on_error != NULL) napi_delete_reference(c->env, c->on_error);
    if (c->batch_ref != NULL) napi_delete_reference(c->env, c->batch_ref);
    if (c->async != NULL) napi_async_destroy(c->env, c->async);
  }
  c->on_batch = c->on_error = c->batch_ref = NULL;
  c->async = NULL;
  c->batch = NULL;
}

static void finalize_capture(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  capture *c = (capture *)data;
  shut(c);
  if (c->poll.data == c) {
    /* The poll handle was initialised: libuv owns it until its close callback. */
    uv_close((uv_handle_t *)&c->poll, poll_closed);
  } else {
    free(c);
  }
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes) {
  capture *c = (capture *)user;
  uint32_t caplen = h->caplen;
  size_t need = RECORD_HEADER + ((caplen + 3u) & ~3u);
  if (c->batch_used + need > c->batch_capacity) {
    /* Cannot happen while the batch holds room for a whole snap length (checked below), but a
       record never overruns the buffer. */
    pcap_breakloop(c->pcap);
    return;
  }
  uint32_t *header = (uint32_t *)(c->batch + c->batch_used);
  header[0] = (uint32_t)h->ts.tv_sec;
  header[1] = (uint32_t)h->ts.tv_usec; /* nanoseconds: the handle asks for nanosecond precision */
  header[2] = caplen;
  header[3] = h->len;
  memcpy(c->batch + c->batch_used + RECORD_HEADER, bytes, caplen);
  c->batch_used += need;
  c->batch_count++;
  if (c->batch_capacity - c->batch_used < RECORD_HEADER + (size_t)c->snaplen + 4u) {
    pcap_breakloop(c->pcap);
  }
}

static void call_js(capture *c, napi_ref fn_ref, int argc, napi_value *argv) {
  napi_env env = c->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value fn, recv, result;
  if (napi_get_reference_value(env, fn_ref, &fn) == napi_ok && fn != NULL &&
      napi_get_global(env, &recv) == napi_ok) {
    napi_status status = napi_make_callback(env, c->async, recv, fn, (size_t)argc, argv, &result);
    if (status == napi_pending_exception) {
      napi_value error;
      napi_get_and_clear_last_exception(env, &error);
      napi_fatal_exception(env, error);
    }
  }
  napi_close_handle_scope(env, scope);
}

static void report_error(capture *c, const char *message) {
  napi_env env = c->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value text;
  napi_ref fn = c->on_error;
  if (napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &text) == napi_ok && fn != NULL) {
    /* Stop first: the callback may close the handle. */
    if (c->polling) {
      uv_poll_stop(&c->poll);
      c->polling = 0;
    }
    call_js(c, fn, 1, &text);
  }
  napi_close_handle_scope(env, scope);
}

static void on_readable(uv_poll_t *handle, int status, int events) {
  (void)events;
  capture *c = (capture *)handle->data;
  if (c->closed || c->pcap == NULL) return;
  c->batch_used = 0;
  c->batch_count = 0;
  int n = pcap_dispatch(c->pcap, c->max_packets, on_packet, (u_char *)c);
  char failure[PCAP_ERRBUF_SIZE + 64] = {0};
  if (n == PCAP_ERROR) {
    snprintf(failure, sizeof failure, "%s", pcap_geterr(c->pcap));
  } else if (status < 0 && n == 0) {
    snprintf(failure, sizeof failure, "capture socket error: %s", uv_strerror(status));
  }
  if (c->batch_count > 0 && c->on_batch != NULL) {
    napi_handle_scope scope;
    if (napi_open_handle_scope(c->env, &scope) == napi_ok) {
      napi_value argv[2];
      napi_create_uint32(c->env, c->batch_count, &argv[0]);
      napi_create_double(c->env, (double)c->batch_used, &argv[1]);
      call_js(c, c->on_batch, 2, argv);
      napi_close_handle_scope(c->env, scope);
    }
  }
  if (failure[0] != 0 && !c->closed) report_error(c, failure);
}

/*
 * open(device, snaplen, bufferBytes, timeoutMs, direction) -> handle (activated, non-blocking, no
 * filter yet). direction: 0 both, 1 received only, 2 sent only (pcap_setdirection).
 */
static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 5) return throw_error(env, "open", "expects device, snaplen, bufferBytes, timeoutMs, direction");
  char device[256];
  int32_t snaplen = 0, buffer_bytes = 0, timeout_ms = 0, direction = 0;
  if (!get_string(env, argv[0], device, sizeof device)) return throw_error(env, "open", "device must be a string");
  if (napi_get_value_int32(env, argv[1], &snaplen) != napi_ok || snaplen < 64)
    return throw_error(env, "open", "snaplen must be an integer >= 64");
  if (napi_get_value_int32(env, argv[2], &buffer_bytes) != napi_ok || buffer_bytes < 65536)
    return throw_error(env, "open", "bufferBytes must be an integer >= 65536");
  if (napi_get_value_int32(env, argv[3], &timeout_ms) != napi_ok || timeout_ms < 1)
    return throw_error(env, "open", "timeoutMs must be an integer >= 1");
  if (napi_get_value_int32(env, argv[4], &direction) != napi_ok || direction < 0 || direction > 2)
    return throw_error(env, "open", "direction must be 0 (both), 1 (in) or 2 (out)");

  char errbuf[PCAP_ERRBUF_SIZE] = {0};
  pcap_t *p = pcap_create(device, errbuf);
  if (p == NULL) return throw_error(env, device, errbuf);
  const char *step = NULL;
  if (pcap_set_snaplen(p, snaplen) != 0) step = "pcap_set_snaplen";
  else if (pcap_set_promisc(p, 0) != 0) step = "pcap_set_promisc";
  else if (pcap_set_buffer_size(p, buffer_bytes) != 0) step = "pcap_set_buffer_size";
  else if (pcap_set_timeout(p, timeout_ms) != 0) step = "pcap_set_timeout";
  else if (pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO) != 0) step = "pcap_set_tstamp_precision";
  if (step != NULL) {
    pcap_close(p);
    return throw_error(env, device, step);
  }
  int activated = pcap_activate(p);
  if (activated < 0) {
    char message[PCAP_ERRBUF_SIZE + 64];
    const char *detail = pcap_geterr(p);
    snprintf(message, sizeof message, "%s (%s)", pcap_statustostr(activated),
             detail != NULL && detail[0] != 0 ? detail : "no detail");
    pcap_close(p);
    return throw_error(env, device, message);
  }
  if (pcap_setnonblock(p, 1, errbuf) == -1) {
    pcap_close(p);
    return throw_error(env, device, errbuf);
  }
  if (direction != 0 && pcap_setdirection(p, direction == 1 ? PCAP_D_IN : PCAP_D_OUT) != 0) {
    char message[PCAP_ERRBUF_SIZE + 64];
    snprintf(message, sizeof message, "pcap_setdirection: %s", pcap_geterr(p));
    pcap_close(p);
    return throw_error(env, device, message);
  }
  capture *c = calloc(1, sizeof(capture));
  if (c == NULL) {
    pcap_close(p);
    return throw_error(env, device, "out of memory");
  }
  c->pcap = p;
  c->snaplen = pcap_snapshot(p);
  c->env = env;
  napi_value handle;
  if (napi_create_external(env, c, finalize_capture, NULL, &handle) != napi_ok) {
    pcap_close(p);
    free(c);
    return throw_error(env, device, "cannot create the handle");
  }
  return handle;
}

/* setFilter(handle, expression): compiles for the handle's link type and attaches it in the kernel */
static napi_value js_set_filter(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) return throw_error(env, "setFilter", "expects handle, expression");
  capture *c = unwrap(env, argv[0]);
  if (c == NULL) return NULL;
  if (c->closed || c->pcap == NULL) return throw_error(env, "setFilter", "the handle is closed");
  size_t length = 0;
  if (napi_get_value_string_utf8(env, argv[1], NULL, 0, &length) != napi_ok)
    return throw_error(env, "setFilter", "expression must be a string");
  char *expression = malloc(length + 1);
  if (expression == NULL) return throw_error(env, "setFilter", "out of memory");
  napi_get_value_string_utf8(env, argv[1], expression, length + 1, &length);
  struct bpf_program program;
  int compiled = pcap_compile(c->pcap, &program, expression, 1, PCAP_NETMASK_UNKNOWN);
  free(expression);
  if (compiled == -1) return throw_error(env, "filter does not compile", pcap_geterr(c->pcap));
  int set = pcap_setfilter(c->pcap, &program);
  pcap_freecode(&program);
  if (set == -1) return throw_error(env, "pcap_setfilter", pcap_geterr(c->pcap));
  return NULL;
}

/* start(handle, batch: ArrayBuffer, maxPackets, onBatch(count, bytes), onError(message)) */
static napi_value js_start(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_value self;
  CHECK(napi_get_cb_info(env, info, &argc, argv, &self, NULL));
  if (argc < 5) return throw_error(env, "start", "expects handle, batch, maxPackets, onBatch, onError");
  capture *c = unwrap(env, argv[0]);
  if (c == NULL) return NULL;
  if (c->closed) return throw_error(env, "start", "the handle is closed");
  if (c->polling) return throw_error(env, "start", "already started");
  void *data = NULL;
  size_t length = 0;
  if (napi_get_arraybuffer_info(env, argv[1], &data, &length) != napi_ok)
    return throw_error(env, "start", "batch must be an ArrayBuffer");
  if (length < RECORD_HEADER * 2 + (size_t)c->snaplen * 2)
    return throw_error(env, "start", "batch must hold at least two records of the snap length");
  int32_t max_packets = 0;
  if (napi_get_value_int32(env, argv[2], &max_packets) != napi_ok || max_packets < 1)
    return throw_error(env, "start", "maxPackets must be an integer >= 1");
  c->batch = (uint8_t *)data;
  c->batch_capacity = length;
  c->max_packets = max_packets;
  CHECK(napi_create_reference(env, argv[1], 1, &c->batch_ref));
  CHECK(napi_create_reference(env, argv[3], 1, &c->on_batch));
  CHECK(napi_create_reference(env, argv[4], 1, &c->on_error));
  napi_value resource_name;
  CHECK(napi_create_string_utf8(env, "glia:pcap-live", NAPI_AUTO_LENGTH, &resource_name));
  CHECK(napi_async_init(env, NULL, resource_name, &c->async));
  uv_loop_t *loop = NULL;
  CHECK(napi_get_uv_event_loop(env, &loop));
  int fd = pcap_get_selectable_fd(c->pcap);
  if (fd < 0) return throw_error(env, "start", "the capture has no selectable descriptor");
  int r = uv_poll_init(loop, &c->poll, fd);
  if (r != 0) return throw_error(env, "uv_poll_init", uv_strerror(r));
  c->poll.data = c;
  r = uv_poll_start(&c->poll, UV_READABLE, on_readable);
  if (r != 0) return throw_error(env, "uv_poll_start", uv_strerror(r));
  c->polling = 1;
  return NULL;
}

/* The handle a one-argument method is called with; NULL (an exception pending) when it is not one,
   or when `open_only` and it is closed. */
static capture *handle_argument(napi_env env, napi_callback_info info, const char *method, int open_only) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) {
    throw_error(env, method, "expects a capture handle");
    return NULL;
  }
  capture *c = unwrap(env, argv[0]);
  if (c != NULL && open_only && (c->closed || c->pcap == NULL)) {
    throw_error(env, method, "the handle is closed");
    return NULL;
  }
  return c;
}

/* stats(handle) -> [received, dropped, ifdropped] */
static napi_value js_stats(napi_env env, napi_callback_info info) {
  capture *c = handle_argument(env, info, "stats", 1);
  if (c == NULL) return NULL;
  struct pcap_stat s;
  if (pcap_stats(c->pcap, &s) != 0) return throw_error(env, "pcap_stats", pcap_geterr(c->pcap));
  napi_value out, v;
  CHECK(napi_create_array_with_length(env, 3, &out));
  napi_create_double(env, (double)s.ps_recv, &v);
  napi_set_element(env, out, 0, v);
  napi_create_double(env, (double)s.ps_drop, &v);
  napi_set_element(env, out, 1, v);
  napi_create_double(env, (double)s.ps_ifdrop, &v);
  napi_set_element(env, out, 2, v);
  return out;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  capture *c = handle_argument(env, info, "close", 0);
  if (c == NULL) return NULL;
  shut(c);
  return NULL;
}

/* datalink(handle) -> DLT number */
static napi_value js_datalink(napi_env env, napi_callback_info info) {
  capture *c = handle_argument(env, info, "datalink", 1);
  if (c == NULL) return NULL;
  napi_value out;
  CHECK(napi_create_int32(env, pcap_datalink(c->pcap), &out));
  return out;
}

/* compile(linkType, snaplen, expression) -> number of cBPF instructions; throws when it does not compile */
static napi_value js_compile(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t link_type = 0, snaplen = 0;
  size_t length = 0;
  if (argc < 3 || napi_get_value_int32(env, argv[0], &link_type) != napi_ok ||
      napi_get_value_int32(env, argv[1], &snaplen) != napi_ok ||
      napi_get_value_string_utf8(env, argv[2], NULL, 0, &length) != napi_ok)
    return throw_error(env, "compile", "expects linkType, snaplen, expression");
  char *expression = malloc(length + 1);
  if (expression == NULL) return throw_error(env, "compile", "out of memory");
  napi_get_value_string_utf8(env, argv[2], expression, length + 1, &length);
  pcap_t *dead = pcap_open_dead(link_type, snaplen);
  if (dead == NULL) {
    free(expression);
    return throw_error(env, "compile", "pcap_open_dead failed");
  }
  struct bpf_program program;
  if (pcap_compile(dead, &program, expression, 1, PCAP_NETMASK_UNKNOWN) == -1) {
    char message[PCAP_ERRBUF_SIZE];
    snprintf(message, sizeof message, "%s", pcap_geterr(dead));
    pcap_close(dead);
    free(expression);
    return throw_error(env, "filter does not compile", message);
  }
  napi_value out;
  napi_create_uint32(env, program.bf_len, &out);
  pcap_freecode(&program);
  pcap_close(dead);
  free(expression);
  return out;
}

static napi_value js_version(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  CHECK(napi_create_string_utf8(env, pcap_lib_version(), NAPI_AUTO_LENGTH, &out));
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"open", NULL, js_open, NULL, NULL, NULL, napi_default, NULL},
      {"setFilter", NULL, js_set_filter, NULL, NULL, NULL, napi_default, NULL},
      {"start", NULL, js_start, NULL, NULL, NULL, napi_default, NULL},
      {"stats", NULL, js_stats, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, js_close, NULL, NULL, NULL, napi_default, NULL},
      {"datalink", NULL, js_datalink, NULL, NULL, NULL, napi_default, NULL},
      {"compile", NULL, js_compile, NULL, NULL, NULL, napi_default, NULL},
      {"version", NULL, js_version, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)

#ifndef AIRLOCK_CJAVASCRIPTCORE_SHIM_H
#define AIRLOCK_CJAVASCRIPTCORE_SHIM_H

#include <JavaScriptCore/JavaScript.h>
#include <jsc/jsc.h>

/* Exported by libjavascriptcoregtk-4.1 but not declared in its public headers (WebKit's *Private.h).
   Signatures from JSContextRefPrivate.h / JSBasePrivate.h; JavaScriptRuntime checks with dlsym at start-up that
   each exists, so a WebKitGTK update that drops one fails loudly instead of at first use. */
typedef bool (*JSShouldTerminateCallback)(JSContextRef ctx, void *context);
JS_EXPORT void JSContextGroupSetExecutionTimeLimit(JSContextGroupRef group, double limit,
                                                   JSShouldTerminateCallback callback, void *context);
JS_EXPORT void JSContextGroupClearExecutionTimeLimit(JSContextGroupRef group);
JS_EXPORT void JSGlobalContextSetEvalEnabled(JSGlobalContextRef ctx, bool enabled, JSStringRef message);
JS_EXPORT void JSGlobalContextSetUnhandledRejectionCallback(JSGlobalContextRef ctx, JSObjectRef function,
                                                            JSValueRef *exception);
JS_EXPORT JSObjectRef JSGetMemoryUsageStatistics(JSContextRef ctx);
JS_EXPORT void JSSynchronousGarbageCollectForDebugging(JSContextRef ctx);
JS_EXPORT void JSSynchronousEdenCollectForDebugging(JSContextRef ctx);

/* Names the calling thread (at most 15 bytes) for top and perf: pthread_setname_np is a GNU extension the Swift
   Glibc module does not export. */
#define _GNU_SOURCE 1
#include <sys/prctl.h>
#include <unistd.h>
static inline void airlock_set_thread_name(const char *name) { prctl(PR_SET_NAME, name, 0, 0, 0); }

/* A VM thread that also watches a descriptor (a worker's socket) waits with ppoll on it and an eventfd; neither is
   exported by the Swift Glibc module. Both answer -1 with errno on failure. */
#include <poll.h>
#include <sys/eventfd.h>
#include <time.h>
static inline int airlock_wake_fd(void) { return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }
/* Waits until `watched` or `wake` is readable or `nanoseconds` pass (negative: no limit); answers the count of ready
   descriptors, and sets *watched_ready. */
static inline int airlock_wait_two(int watched, int wake, long long nanoseconds, int *watched_ready) {
    struct pollfd fds[2] = { { .fd = watched, .events = POLLIN }, { .fd = wake, .events = POLLIN } };
    struct timespec timeout = { .tv_sec = nanoseconds / 1000000000LL, .tv_nsec = nanoseconds % 1000000000LL };
    int ready = ppoll(fds, 2, nanoseconds < 0 ? NULL : &timeout, NULL);
    if (ready > 0 && fds[1].revents) { unsigned long long value; (void)!read(wake, &value, sizeof value); }
    *watched_ready = ready > 0 && fds[0].revents != 0;
    return ready;
}

#endif

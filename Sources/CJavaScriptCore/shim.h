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
#include <sys/prctl.h>
static inline void airlock_set_thread_name(const char *name) { prctl(PR_SET_NAME, name, 0, 0, 0); }

#endif

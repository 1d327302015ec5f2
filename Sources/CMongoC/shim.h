// libmongoc/libbson for Swift. `bson_t` and `bson_iter_t` are 128-byte aligned, which Swift cannot lay out, so
// iterators stay on the C stack inside these helpers and documents are only handled through pointers.
#include <mongoc/mongoc.h>
#include <bson/bson.h>

static inline const char *airlock_bson_error_message(const bson_error_t *error) { return error->message; }

/// The document's size in bytes, as stored.
static inline uint32_t airlock_bson_length(const bson_t *doc) { return doc->len; }

/// The int64 (or int32/double, converted) at top-level `key`.
static inline bool airlock_bson_get_int64(const bson_t *doc, const char *key, int64_t *out) {
    bson_iter_t it;
    if (!bson_iter_init_find(&it, doc, key) || !BSON_ITER_HOLDS_NUMBER(&it)) return false;
    *out = bson_iter_as_int64(&it);
    return true;
}

/// The binary at top-level `key`; `data` stays owned by `doc`.
static inline bool airlock_bson_get_binary(const bson_t *doc, const char *key, const uint8_t **data, uint32_t *length) {
    bson_iter_t it;
    bson_subtype_t subtype;
    if (!bson_iter_init_find(&it, doc, key) || !BSON_ITER_HOLDS_BINARY(&it)) return false;
    bson_iter_binary(&it, &subtype, length, data);
    return true;
}

/// The string at top-level `key`, owned by `doc`, or NULL.
static inline const char *airlock_bson_get_utf8(const bson_t *doc, const char *key) {
    bson_iter_t it;
    if (!bson_iter_init_find(&it, doc, key) || !BSON_ITER_HOLDS_UTF8(&it)) return NULL;
    return bson_iter_utf8(&it, NULL);
}

/// A new copy of the sub-document (or array) at top-level `key`, or NULL.
static inline bson_t *airlock_bson_get_document(const bson_t *doc, const char *key) {
    bson_iter_t it;
    const uint8_t *data;
    uint32_t length;
    if (!bson_iter_init_find(&it, doc, key)) return NULL;
    if (BSON_ITER_HOLDS_DOCUMENT(&it)) bson_iter_document(&it, &length, &data);
    else if (BSON_ITER_HOLDS_ARRAY(&it)) bson_iter_array(&it, &length, &data);
    else return NULL;
    return bson_new_from_data(data, length);
}

/// The datetime (milliseconds since 1970) at top-level `key`.
static inline bool airlock_bson_get_date(const bson_t *doc, const char *key, int64_t *out) {
    bson_iter_t it;
    if (!bson_iter_init_find(&it, doc, key) || !BSON_ITER_HOLDS_DATE_TIME(&it)) return false;
    *out = bson_iter_date_time(&it);
    return true;
}

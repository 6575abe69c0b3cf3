// server/commands/key_access.h
// -----------------------------------------------------------------------------
// How command handlers reach keys: KeyLock holds the one shard of a single
// key; KeysLock holds every shard of a set of keys, taken in ascending shard
// order through ShardSetLock. Both apply lazy expiry on lookup, record the
// access for eviction (LRU clock, LFU counter), and count keyspace hits,
// misses and expirations in the calling thread's stats. DbKeysLock holds keys
// of two databases (MOVE, COPY ... DB).
#ifndef CACHEFORGE_COMMANDS_KEY_ACCESS_H_
#define CACHEFORGE_COMMANDS_KEY_ACCESS_H_

#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/command.h"
#include "commands/maxmemory.h"
#include "store/databases.h"
#include "store/keyspace.h"

namespace cacheforge {

// A read command's lookup of `key` that found `e` (or not): counted as a
// keyspace hit or miss, and a miss published as a "keymiss" event.
inline Entry* CountKeyRead(CommandContext& ctx, std::string_view key, Entry* e) {
  (e != nullptr ? ctx.stats.keyspace_hits : ctx.stats.keyspace_misses).Add();
  if (e == nullptr) ctx.Notify(kNotifyKeyMiss, "keymiss", key);
  return e;
}

class KeyLock {
 public:
  KeyLock(CommandContext& ctx, std::string_view key)
      : ctx_(ctx),
        key_(key),
        hash_(Keyspace::Hash(key)),
        shard_(ctx.db().ShardFor(hash_)),
        lock_(ctx.db(), shard_),
        mutations_(Mutations()) {}
  // Records a write in the append-only file before the shard is unlocked.
  ~KeyLock() {
    shard_.AssertHeld();
    if (shard_.MutationsLocked() != mutations_) ctx_.NoteChange();
  }
  KeyLock(const KeyLock&) = delete;
  KeyLock& operator=(const KeyLock&) = delete;

  CommandContext& ctx() { return ctx_; }
  std::string_view key() const { return key_; }

  // The live entry, or null; a found key counts as accessed.
  Entry* Find() {
    Entry* e = Peek();
    shard_.AssertHeld();
    if (e != nullptr)
      shard_.TouchLocked(e, ctx_.now_ms, CurrentAccessTracking(ctx_.server.config()));
    return e;
  }
  // Find() without recording an access (OBJECT, which inspects keys).
  Entry* Peek() {
    shard_.AssertHeld();
    uint64_t expired = 0;
    Entry* e = shard_.FindLocked(key_, hash_, ctx_.now_ms, &expired);
    if (expired != 0) ctx_.stats.expired_keys.Add(expired);
    return e;
  }
  // Find() that also counts a keyspace hit or miss (read commands).
  Entry* FindForRead() { return CountKeyRead(ctx_, key_, Find()); }
  // FindForRead() without recording an access (TTL and its siblings, which
  // Redis looks up with LOOKUP_NOTOUCH).
  Entry* PeekForRead() { return CountKeyRead(ctx_, key_, Peek()); }
  // Adds the key with an empty value; it must not be live.
  Entry* Insert() {
    shard_.AssertHeld();
    return shard_.InsertLocked(std::string(key_), hash_, ctx_.now_ms);
  }
  void Erase(Entry* e) {
    shard_.AssertHeld();
    shard_.EraseLocked(e);
  }
  // Replaces the value and, unless `keep_ttl`, clears the TTL.
  void Assign(Entry* e, std::string_view value, bool keep_ttl = false) {
    shard_.AssertHeld();
    shard_.MutateValueLocked(e, [&](std::string& v) { v.assign(value); });
    e->string_form = static_cast<uint32_t>(StringForm::kByContent);
    if (!keep_ttl && e->has_expire()) shard_.SetExpireLocked(e, kNoExpiry);
  }
  // The absolute expiry time of `e` in Unix ms, or kNoExpiry.
  int64_t ExpireAt(const Entry* e) {
    shard_.AssertHeld();
    return shard_.ExpireAtLocked(e);
  }
  // Sets or (with kNoExpiry) clears the expiry time of `e`.
  void SetExpire(Entry* e, int64_t expire_at_ms) {
    shard_.AssertHeld();
    shard_.SetExpireLocked(e, expire_at_ms);
  }
  // Runs `change(value)` on `e`'s string in place (APPEND, SETRANGE),
  // keeping the memory count right; it then reads as "raw", as in Redis.
  template <typename F>
  void Mutate(Entry* e, F&& change) {
    shard_.AssertHeld();
    shard_.MutateValueLocked(e, std::forward<F>(change));
    e->string_form = static_cast<uint32_t>(StringForm::kRaw);
  }
  // Mutate() for a change that may be none: `change(value)` returns whether
  // it changed the value; an unchanged value is not a write (AOF, WATCH),
  // though it reads as "raw" from then on, as in Redis.
  template <typename F>
  bool Update(Entry* e, F&& change) {
    shard_.AssertHeld();
    const bool changed = shard_.UpdateValueLocked(e, std::forward<F>(change));
    // Redis makes the value a raw string before it looks, changed or not.
    e->string_form = static_cast<uint32_t>(StringForm::kRaw);
    return changed;
  }
  // MutateObject() for a change that may be none: `change(T&)` returns how
  // many things it changed; zero is not a write (AOF, WATCH).
  template <typename T, typename F>
  auto UpdateObject(Entry* e, F&& change) {
    shard_.AssertHeld();
    return shard_.UpdateObjectLocked<T>(e, std::forward<F>(change));
  }
  // The key counts as modified for WATCH though nothing changed (LTRIM).
  void SignalModified() {
    shard_.AssertHeld();
    shard_.SignalModifiedLocked(key_);
  }
  // Shard::SetQuietWatchLocked for this key's shard.
  void SetQuietWatch(bool quiet) {
    shard_.AssertHeld();
    shard_.SetQuietWatchLocked(quiet);
  }
  // Replaces `e`'s value with a collection.
  void SetObject(Entry* e, std::unique_ptr<Object> object) {
    shard_.AssertHeld();
    shard_.SetObjectLocked(e, std::move(object));
  }
  // Replaces `e`'s value with an empty inline collection of `type`.
  void SetInline(Entry* e, ValueType type) {
    shard_.AssertHeld();
    shard_.SetInlineLocked(e, type);
  }
  // Runs `change(T&)` on `e`'s collection (of type T), keeping the memory
  // count right; returns what `change` returns.
  template <typename T, typename F>
  auto MutateObject(Entry* e, F&& change) {
    shard_.AssertHeld();
    return shard_.MutateObjectLocked<T>(e, std::forward<F>(change));
  }
  // The locked shard; callers of its *Locked methods first call AssertHeld().
  Shard& shard() { return shard_; }

 private:
  uint64_t Mutations() {
    shard_.AssertHeld();
    return shard_.MutationsLocked();
  }

  CommandContext& ctx_;
  std::string_view key_;
  uint64_t hash_;
  Shard& shard_;
  ShardLock lock_;
  uint64_t mutations_;
};

class KeysLock {
 public:
  KeysLock(CommandContext& ctx, std::span<const std::string_view> keys)
      : KeysLock(ctx, ctx.db().ShardMask(keys)) {}
  // For a mask computed by the caller (e.g. every shard).
  KeysLock(CommandContext& ctx, uint64_t mask)
      : ctx_(ctx), mask_(mask), lock_(ctx.db(), mask), mutations_(Mutations()) {}
  // Records a write in the append-only file before the shards are unlocked.
  ~KeysLock() {
    if (Mutations() != mutations_) ctx_.NoteChange();
  }
  KeysLock(const KeysLock&) = delete;
  KeysLock& operator=(const KeysLock&) = delete;

  CommandContext& ctx() { return ctx_; }

  // The live entry of `key`, or null; a found key counts as accessed.
  Entry* Find(std::string_view key) { return Lookup(key, /*touch=*/true); }
  // Find() without recording an access (EXISTS).
  Entry* Peek(std::string_view key) { return Lookup(key, /*touch=*/false); }
  Entry* FindForRead(std::string_view key) { return CountKeyRead(ctx_, key, Find(key)); }
  // A locked shard; callers of its *Locked methods first call AssertHeld().
  Shard& ShardOf(std::string_view key) { return ctx_.db().ShardFor(Keyspace::Hash(key)); }
  // Deletes `e`, the live entry of `key`.
  void Erase(std::string_view key, Entry* e) {
    Shard& shard = ShardOf(key);
    shard.AssertHeld();
    shard.EraseLocked(e);
  }
  // Adds `key`, which must not be live, with an empty string value.
  Entry* Insert(std::string_view key) {
    uint64_t hash = Keyspace::Hash(key);
    Shard& shard = ctx_.db().ShardFor(hash);
    shard.AssertHeld();
    return shard.InsertLocked(std::string(key), hash, ctx_.now_ms);
  }
  // Replaces the value of `key`'s entry `e` with a collection.
  void SetObject(std::string_view key, Entry* e, std::unique_ptr<Object> object) {
    Shard& shard = ShardOf(key);
    shard.AssertHeld();
    shard.SetObjectLocked(e, std::move(object));
  }
  // Replaces the value of `key`'s entry `e` with an empty inline collection.
  void SetInline(std::string_view key, Entry* e, ValueType type) {
    Shard& shard = ShardOf(key);
    shard.AssertHeld();
    shard.SetInlineLocked(e, type);
  }
  // Runs `change(T&)` on the collection of `key`'s entry `e`.
  template <typename T, typename F>
  auto MutateObject(std::string_view key, Entry* e, F&& change) {
    Shard& shard = ShardOf(key);
    shard.AssertHeld();
    return shard.MutateObjectLocked<T>(e, std::forward<F>(change));
  }
  // MutateObject() for a change that may be none: `change(T&)` returns how
  // many things it changed; zero is not a write (AOF, WATCH).
  template <typename T, typename F>
  auto UpdateObject(std::string_view key, Entry* e, F&& change) {
    Shard& shard = ShardOf(key);
    shard.AssertHeld();
    return shard.UpdateObjectLocked<T>(e, std::forward<F>(change));
  }
  // Sets `key` to `value` with no TTL, creating it when missing; its entry.
  Entry* Put(std::string_view key, std::string_view value) {
    uint64_t hash = Keyspace::Hash(key);
    Shard& shard = ctx_.db().ShardFor(hash);
    shard.AssertHeld();
    Entry* e = Find(key);
    if (e == nullptr) e = shard.InsertLocked(std::string(key), hash, ctx_.now_ms);
    shard.MutateValueLocked(e, [&](std::string& v) { v.assign(value); });
    if (e->has_expire()) shard.SetExpireLocked(e, kNoExpiry);
    return e;
  }

 private:
  Entry* Lookup(std::string_view key, bool touch) {
    uint64_t hash = Keyspace::Hash(key);
    uint64_t expired = 0;
    Shard& shard = ctx_.db().ShardFor(hash);
    shard.AssertHeld();
    Entry* e = shard.FindLocked(key, hash, ctx_.now_ms, &expired);
    if (expired != 0) ctx_.stats.expired_keys.Add(expired);
    if (e != nullptr && touch) {
      shard.TouchLocked(e, ctx_.now_ms, CurrentAccessTracking(ctx_.server.config()));
    }
    return e;
  }

  // The sum of the locked shards' change counters.
  uint64_t Mutations() {
    uint64_t sum = 0;
    for (uint64_t m = mask_; m != 0; m &= m - 1) {
      Shard& shard = ctx_.db().shard(__builtin_ctzll(m));
      shard.AssertHeld();
      sum += shard.MutationsLocked();
    }
    return sum;
  }

  CommandContext& ctx_;
  uint64_t mask_;
  ShardSetLock lock_;
  uint64_t mutations_;
};

// A key of each of two databases (MOVE, COPY ... DB): both shards locked in
// rank order (DbShardsLock), lookups as KeysLock's, and — like KeysLock — the
// command recorded in the append-only file if it changed anything.
class DbKeysLock {
 public:
  DbKeysLock(CommandContext& ctx, int src_db, std::string_view src_key, int dst_db,
             std::string_view dst_key)
      : ctx_(ctx),
        src_(ctx.server.db(src_db).ShardFor(Keyspace::Hash(src_key))),
        dst_(ctx.server.db(dst_db).ShardFor(Keyspace::Hash(dst_key))),
        lock_(ctx.server.databases(), Masks(ctx, src_, dst_)),
        mutations_(Mutations()) {}
  ~DbKeysLock() {
    if (Mutations() != mutations_) ctx_.NoteChange();
  }
  DbKeysLock(const DbKeysLock&) = delete;
  DbKeysLock& operator=(const DbKeysLock&) = delete;

  // The locked shards; callers of their *Locked methods first call AssertHeld().
  Shard& src_shard() { return src_; }
  Shard& dst_shard() { return dst_; }
  // The live entry of `key` in the source or destination shard, or null.
  Entry* FindSrc(std::string_view key) { return Find(src_, key); }
  Entry* FindDst(std::string_view key) { return Find(dst_, key); }

 private:
  static std::vector<uint64_t> Masks(CommandContext& ctx, const Shard& a, const Shard& b) {
    std::vector<uint64_t> masks = ctx.server.databases().NoShards();
    masks[static_cast<size_t>(a.db())] |= uint64_t{1} << a.index();
    masks[static_cast<size_t>(b.db())] |= uint64_t{1} << b.index();
    return masks;
  }
  Entry* Find(Shard& shard, std::string_view key) {
    shard.AssertHeld();
    uint64_t expired = 0;
    Entry* e = shard.FindLocked(key, Keyspace::Hash(key), ctx_.now_ms, &expired);
    if (expired != 0) ctx_.stats.expired_keys.Add(expired);
    if (e != nullptr)
      shard.TouchLocked(e, ctx_.now_ms, CurrentAccessTracking(ctx_.server.config()));
    return e;
  }
  uint64_t Mutations() {
    src_.AssertHeld();
    dst_.AssertHeld();
    return src_.MutationsLocked() + (&src_ == &dst_ ? 0 : dst_.MutationsLocked());
  }

  CommandContext& ctx_;
  Shard& src_;
  Shard& dst_;
  DbShardsLock lock_;
  uint64_t mutations_;
};

}  // namespace cacheforge

#endif  // CACHEFORGE_COMMANDS_KEY_ACCESS_H_

# lockgraph's gdb extension: which thread holds which lockgraph lock, and who
# waits for whom, in a live process or a core file. It only reads memory (no
# function calls in the target), so it works on a hung process, a core, and
# without libc's debug symbols.
#
#   (gdb) source lockgraph_gdb.py        # or auto-loaded, see the user guide
#   (gdb) lockgraph threads              # every thread's held and awaited locks
#   (gdb) lockgraph deadlock             # cycles of threads waiting on each other
#
# Each fact is also printed as one machine-readable line that
# `lockgraph analyze` reads from a dump:
#   lockgraph-gdb: thread LWP holds ADDR "NAME" exclusive|shared
#   lockgraph-gdb: thread LWP waits ADDR "NAME" exclusive|shared owner LWP|unknown
#   lockgraph-gdb: deadlock LWP LWP ...

import gdb

_MODES = {0: "exclusive", 1: "shared"}
# glibc x86_64: pthread_mutex_t.__data.__owner, pthread_rwlock_t.__data.__cur_writer
_OWNER_OFFSET = {1: 8, 2: 24}


def _atomic(value):
    """The value inside a std::atomic<T> (libstdc++ layouts)."""
    for path in (("_M_b", "_M_p"), ("_M_i",), ("_M_base", "_M_i")):
        v = value
        try:
            for field in path:
                v = v[field]
            return v
        except gdb.error:
            continue
    return value


def _registry():
    sym = gdb.lookup_global_symbol("lockgraph::internal::g_debug_registry")
    if sym is None:
        sym = gdb.lookup_static_symbol("lockgraph::internal::g_debug_registry")
    if sym is None:
        raise gdb.GdbError("lockgraph: this program has no lockgraph registry "
                           "(not built with lockgraph, or without debug info)")
    registry = sym.value()
    if int(registry) == 0:
        return None
    return registry.dereference()


def _lock_name(lock_ptr):
    lock = lock_ptr.dereference()
    name = int(lock["name"])
    if name:
        return lock["name"].string()
    try:
        return "%s:%d" % (lock["file"].string(), int(lock["line"]))
    except gdb.error:
        return "?"


def _read_int(address):
    inferior = gdb.selected_inferior()
    data = inferior.read_memory(address, 4).tobytes()
    return int.from_bytes(data, "little", signed=True)


def _threads():
    """[(lwp, [(lock_addr, name, mode)], wait or None)]; wait = (addr, name, mode, owner)."""
    registry = _registry()
    result = []
    if registry is None:
        return result
    ts = registry["head_"]
    seen = 0
    while int(ts) != 0 and seen < 100000:
        seen += 1
        t = ts.dereference()
        lwp = int(t["tid"])
        waiting = _atomic(t["waiting_for"])
        held = []
        depth = int(t["depth"])
        for i in range(depth):
            h = t["held"][i]
            lock = h["lock"]
            if i == depth - 1 and int(waiting) != 0 and int(lock) == int(waiting):
                continue  # pushed before the blocking acquisition: not held yet
            held.append((int(lock), _lock_name(lock), _MODES.get(int(h["mode"]), "?")))
        wait = None
        if int(waiting) != 0:
            kind = int(_atomic(t["waiting_kind"]))
            native = int(_atomic(t["waiting_native"]))
            owner = None
            if native and kind in _OWNER_OFFSET:
                try:
                    owner = _read_int(native + _OWNER_OFFSET[kind]) or None
                except gdb.MemoryError:
                    owner = None
            mode = _MODES.get(int(_atomic(t["waiting_mode"])), "?")
            wait = (int(waiting), _lock_name(waiting), mode, owner)
        result.append((lwp, held, wait))
        ts = t["registry_next"]
    return result


class LockgraphCommand(gdb.Command):
    """lockgraph: inspect lockgraph locks. Subcommands: threads, deadlock."""

    def __init__(self):
        super().__init__("lockgraph", gdb.COMMAND_DATA, gdb.COMPLETE_NONE, True)


class LockgraphThreads(gdb.Command):
    """List each thread's held lockgraph locks and the lock it waits for."""

    def __init__(self):
        super().__init__("lockgraph threads", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        threads = _threads()
        if not threads:
            print("lockgraph: no thread has used a lockgraph lock")
            return
        for lwp, held, wait in sorted(threads):
            parts = ["thread %d" % lwp]
            if held:
                parts.append("holds " + ", ".join('"%s"' % n for _, n, _ in held))
            if wait:
                owner = "thread %d" % wait[3] if wait[3] else "unknown"
                parts.append('waits for "%s" (owner: %s)' % (wait[1], owner))
            print("lockgraph: " + " ".join(parts))
            for addr, name, mode in held:
                print('lockgraph-gdb: thread %d holds 0x%x "%s" %s' % (lwp, addr, name, mode))
            if wait:
                print('lockgraph-gdb: thread %d waits 0x%x "%s" %s owner %s' %
                      (lwp, wait[0], wait[1], wait[2], wait[3] or "unknown"))


class LockgraphDeadlock(gdb.Command):
    """Print every cycle of threads blocked on each other's lockgraph locks."""

    def __init__(self):
        super().__init__("lockgraph deadlock", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        owner_of = {}
        for lwp, _, wait in _threads():
            if wait and wait[3]:
                owner_of[lwp] = wait[3]
        cycles, done = [], set()
        for start in sorted(owner_of):
            path, index = [], {}
            lwp = start
            while lwp in owner_of and lwp not in done and lwp not in index:
                index[lwp] = len(path)
                path.append(lwp)
                lwp = owner_of[lwp]
            if lwp in index:
                cycles.append(path[index[lwp]:])
            done.update(path)
        if not cycles:
            print("lockgraph: no deadlock among lockgraph locks")
            return
        for cycle in cycles:
            print("lockgraph: deadlock: " + " -> ".join("thread %d" % t for t in cycle + cycle[:1]))
            print("lockgraph-gdb: deadlock " + " ".join(str(t) for t in cycle))


LockgraphCommand()
LockgraphThreads()
LockgraphDeadlock()

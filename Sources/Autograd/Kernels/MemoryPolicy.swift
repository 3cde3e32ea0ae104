/// How tensor memory is obtained from the C allocator.
///
/// Large tensors (a batch-512 activation is 32–100 MB) would each be a fresh `mmap` under glibc's
/// defaults, so every op paid a page fault per 4 KiB touched and every free returned the pages to the
/// kernel. Serving all blocks from the heap, and keeping freed memory there, lets the next step reuse
/// the same pages: a 3–4× speed-up of memory-bound ops. Resident memory then stays at the
/// high-water mark instead of dropping between steps.
public enum MemoryPolicy {
    /// Applied once, on the first tensor created.
    public static let applied: Bool = {
        #if os(Linux)
        // mallopt(M_MMAP_MAX, 0): never mmap; mallopt(M_TRIM_THRESHOLD, 2 GiB): keep freed heap.
        return cMallopt(-4, 0) == 1 && cMallopt(-1, Int32.max) == 1
        #else
        return false
        #endif
    }()
}

#if os(Linux)
@_silgen_name("mallopt")
private func cMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

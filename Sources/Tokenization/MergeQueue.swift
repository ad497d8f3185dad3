/// A binary min-heap of candidate merges, ordered by `priority` and then by the left symbol's position, as
/// llama.cpp's `llm_bigram_bpe` / `llm_bigram_spm` priority queues order them.
struct MergeQueue {
    struct Candidate {
        /// Lower merges first (a BPE rank, or a negated SentencePiece score).
        var priority: Float
        /// The index of the left symbol.
        var left: Int
        /// The index of the right symbol.
        var right: Int
        /// The merged token id (BPE) or the merged byte length (SentencePiece), to detect stale entries.
        var check: Int
    }

    private var heap: [Candidate] = []

    var isEmpty: Bool { heap.isEmpty }

    private static func precedes(_ a: Candidate, _ b: Candidate) -> Bool {
        a.priority < b.priority || (a.priority == b.priority && a.left < b.left)
    }

    mutating func push(_ candidate: Candidate) {
        heap.append(candidate)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.precedes(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Candidate? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var best = parent
            if left < heap.count && Self.precedes(heap[left], heap[best]) { best = left }
            if right < heap.count && Self.precedes(heap[right], heap[best]) { best = right }
            if best == parent { break }
            heap.swapAt(parent, best)
            parent = best
        }
        return top
    }
}

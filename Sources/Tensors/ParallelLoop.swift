// Splitting a loop over a few threads (the machine has 2 cores).
import Dispatch

/// Runs independent loop iterations on several threads with `DispatchQueue.concurrentPerform`.
public enum ParallelLoop {
    /// Calls `body(index)` for every index in `0..<iterations`, split into at most `threads` contiguous chunks
    /// that run concurrently. Iterations must not write to shared memory.
    ///
    /// - Parameters:
    ///   - iterations: number of loop iterations.
    ///   - threads: maximum number of concurrent chunks; 1 runs inline.
    ///   - body: the loop body.
    public static func forEach(iterations: Int, threads: Int = 2, _ body: (Int) -> Void) {
        let chunks = min(max(threads, 1), iterations)
        if chunks <= 1 {
            for index in 0..<iterations { body(index) }
            return
        }
        // concurrentPerform returns only after every chunk finished, so `body` never outlives this call, and the
        // caller promises iterations write disjoint memory: that is the contract the compiler cannot see.
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let start = iterations * chunk / chunks
            let end = iterations * (chunk + 1) / chunks
            for index in start..<end { body(index) }
        }
    }
}

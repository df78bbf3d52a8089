/// Keeps loads made only to bring memory into the cache from being optimized away: a loop
/// of loads that do not wait for each other lets the processor fetch scattered cache lines
/// together, where the loop that uses them would take one cache miss at a time.
public enum Prefetch {
    @_optimize(none)
    public static func keep(_ value: Int64) {}
}

/// The key/value metadata of a GGUF file, in file order, with typed accessors.
///
/// Accessors return `nil` when the key is missing or its value has an incompatible type. Integer accessors accept
/// any GGUF integer type whose value fits the requested type (files disagree on uint32 vs int32 for ids).
public struct GGUFMetadata: Sendable, Equatable {
    /// The keys in file order.
    public private(set) var keys: [String] = []
    private var values: [String: GGUFValue] = [:]

    /// Creates empty metadata.
    public init() {}

    /// Creates metadata from ordered pairs.
    /// - Throws: `GGUFError.Code.duplicateKey` when a key repeats.
    public init(_ pairs: [(String, GGUFValue)]) throws {
        for (key, value) in pairs {
            guard values[key] == nil else {
                throw GGUFError(.duplicateKey, "metadata key '\(key)' appears twice; keys must be unique")
            }
            keys.append(key)
            values[key] = value
        }
    }

    /// Sets or replaces a value; new keys go to the end.
    public mutating func set(_ key: String, _ value: GGUFValue) {
        if values.updateValue(value, forKey: key) == nil { keys.append(key) }
    }

    /// The number of entries.
    public var count: Int { keys.count }

    /// The raw value for `key`.
    public subscript(key: String) -> GGUFValue? { values[key] }

    /// A string value.
    public func string(_ key: String) -> String? { values[key]?.stringValue }
    /// A bool value.
    public func bool(_ key: String) -> Bool? { values[key]?.boolValue }
    /// Any integer value that fits in `Int`.
    public func int(_ key: String) -> Int? { values[key]?.intValue }
    /// Any integer value that fits in `UInt32`.
    public func uint32(_ key: String) -> UInt32? { int(key).flatMap { UInt32(exactly: $0) } }
    /// Any integer value that fits in `Int32`.
    public func int32(_ key: String) -> Int32? { int(key).flatMap { Int32(exactly: $0) } }
    /// Any integer value that fits in `UInt64`.
    public func uint64(_ key: String) -> UInt64? {
        if case .uint64(let v) = values[key] { return v }
        return int(key).flatMap { UInt64(exactly: $0) }
    }
    /// A float32 or float64 value (integers are converted too), as `Float`.
    public func float(_ key: String) -> Float? { values[key]?.doubleValue.map(Float.init) }
    /// A float32 or float64 value (integers are converted too), as `Double`.
    public func double(_ key: String) -> Double? { values[key]?.doubleValue }

    /// An array's elements, or `nil` for a missing key or non-array.
    public func array(_ key: String) -> [GGUFValue]? { values[key]?.arrayValues }
    /// An array of strings, or `nil` when any element is not a string.
    public func stringArray(_ key: String) -> [String]? { mapArray(key) { $0.stringValue } }
    /// An array of floats (float32/float64 elements), or `nil` when any element is not a float.
    public func floatArray(_ key: String) -> [Float]? {
        mapArray(key) {
            switch $0 {
            case .float32(let v): v
            case .float64(let v): Float(v)
            default: nil
            }
        }
    }
    /// An array of integers of any integer element type, or `nil` when any element is not an integer.
    public func intArray(_ key: String) -> [Int]? { mapArray(key) { $0.intValue } }
    /// An array of integers that fit in `Int32`.
    public func int32Array(_ key: String) -> [Int32]? { mapArray(key) { $0.intValue.flatMap { Int32(exactly: $0) } } }
    /// An array of bools.
    public func boolArray(_ key: String) -> [Bool]? { mapArray(key) { $0.boolValue } }

    private func mapArray<T>(_ key: String, _ transform: (GGUFValue) -> T?) -> [T]? {
        guard let elements = values[key]?.arrayValues else { return nil }
        var result: [T] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard let value = transform(element) else { return nil }
            result.append(value)
        }
        return result
    }

    public static func == (lhs: GGUFMetadata, rhs: GGUFMetadata) -> Bool {
        lhs.keys == rhs.keys && lhs.values == rhs.values
    }
}

import ArgumentParser
import Augmentation

/// `--upsampling tiered|natural`: the mode's own name on the command line.
extension UpsamplingPolicy.Mode: ExpressibleByArgument {
    public static var allValueStrings: [String] { ["tiered", "natural"] }
}

/// `--cap-policy drop|keep-and-close`: the policy in the command line's kebab case.
extension CapPolicy: ExpressibleByArgument {
    public init?(argument: String) {
        guard let policy = Self.allCases.first(where: { $0.argumentName == argument }) else { return nil }
        self = policy
    }

    public static var allValueStrings: [String] { allCases.map(\.argumentName) }

    /// `keepAndClose` → `keep-and-close`.
    var argumentName: String {
        rawValue.reduce(into: "") { name, character in
            if character.isUppercase { name += "-" + character.lowercased() } else { name.append(character) }
        }
    }
}

import Augmentation
import Foundation

/// Writes the structural features of every document of the shared corpora (no model), one JSON line each in the
/// layout of ``FeatureRecord``: what `fit.py` fits the generator-independent weights on.
enum StructuralDump {
    static let files = [
        "gsm8k_test", "gsm8k_train_sample", "math500", "math_train_sample", "web_docs", "code_docs",
        "fineweb_edu_excerpts",
    ]

    static func run(directory: String, to outputPath: String) throws {
        FileManager.default.createFile(atPath: outputPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var count = 0
        for file in files {
            for document in try LabelledSample.read(directory: directory, file: file) {
                let features = DifficultyFeatures(structuralOnly: StructuralFeatures(text: document.text))
                var values = features.namedValues
                for name in DifficultyWeights.modelFeatureNames { values[name] = nil }
                let record = FeatureRecord(
                    id: document.id, corpus: document.corpus, domain: document.domain, label: document.label,
                    level: document.level, characters: document.text.count, features: values, scoredTokenCount: 0,
                    truncatedForScoring: false, seconds: 0)
                output.write(try encoder.encode(record) + Data("\n".utf8))
                count += 1
            }
        }
        try output.close()
        FileHandle.standardError.write(Data("\(count) documents\n".utf8))
    }
}

import ThinkStreamTesting
import Foundation
import GGUF
import Quantization
import Testing

@Suite struct GGUFModelFileTests {
    @Test(arguments: TestPaths.modelNames)
    func headerMetadataAndTensorTableMatchGolden(model: String) throws {
        let meta = try TestPaths.goldenJSON(model, "meta.json")
        let golden = try #require(meta["gguf"] as? [String: Any])
        let file = try GGUFFile(path: try TestPaths.modelPath(model))

        #expect(file.version == golden["version"] as? Int)
        #expect(file.alignment == golden["alignment"] as? Int)
        #expect(file.dataOffset == golden["tensor_data_offset"] as? Int)
        #expect(file.metadata.string("general.architecture") == meta["architecture"] as? String)
        #expect(file.fileSizeBytes == meta["model_size_bytes"] as? Int ?? file.fileSizeBytes)

        let kvTypes = try #require(golden["kv_types"] as? [String: String])
        #expect(Set(file.metadata.keys) == Set(kvTypes.keys))
        for (key, type) in kvTypes {
            #expect(file.metadata[key]?.type.description.uppercased() == type, "\(key)")
        }
        let kv = try #require(golden["kv"] as? [String: Any])
        for (key, expected) in kv { try expectValue(file.metadata, key, expected, type: kvTypes[key]) }
        let arrays = try #require(golden["arrays"] as? [String: [String: Any]])
        for (key, summary) in arrays {
            let values = try #require(file.metadata.array(key), "\(key)")
            #expect(values.count == summary["length"] as? Int, "\(key)")
        }

        let tensors = try #require(golden["tensors"] as? [[Any]])
        #expect(file.tensors.count == tensors.count)
        #expect(file.tensors.count == meta["tensor_count"] as? Int)
        for (info, row) in zip(file.tensors, tensors) {
            #expect(info.name == row[0] as? String)
            #expect(info.type.description.uppercased() == (row[1] as? String)?.uppercased(), "\(info.name)")
            #expect(info.dimensions == row[2] as? [Int], "\(info.name)")
            #expect(info.absoluteOffset == row[3] as? Int, "\(info.name)")
            #expect(info.byteCount == row[4] as? Int, "\(info.name)")
        }
    }

    private func expectValue(_ metadata: GGUFMetadata, _ key: String, _ expected: Any, type: String?) throws {
        let value = try #require(metadata[key], "missing \(key)")
        switch expected {
        case let list as [String]: #expect(metadata.stringArray(key) == list, "\(key)")
        case let string as String: #expect(value.stringValue == string, "\(key)")
        case let flag as Bool where type == "BOOL": #expect(value.boolValue == flag, "\(key)")
        case let number as NSNumber:
            if let int = value.intValue {
                #expect(int == number.intValue, "\(key)")
            } else {
                #expect(value.doubleValue == number.doubleValue, "\(key)")
            }
        default:
            Issue.record("unexpected golden value for \(key): \(expected)")
        }
    }
}

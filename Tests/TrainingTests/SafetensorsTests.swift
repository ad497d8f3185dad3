// SafetensorsWriter output parsed back (header and values) and the Hugging Face export's q/k row order.
import Foundation
import Tensors
import Testing
import Training

@Suite struct SafetensorsTests {
    /// Parses a safetensors file: header JSON and each tensor's F32 values.
    func parse(_ bytes: [UInt8]) throws -> [String: (shape: [Int], values: [Float])] {
        let headerLength = Int(bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
        #expect(headerLength % 8 == 0)
        let json = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + headerLength)]))
        let header = try #require(json as? [String: Any])
        #expect((header["__metadata__"] as? [String: String]) == ["format": "pt"])
        var result: [String: (shape: [Int], values: [Float])] = [:]
        for (name, value) in header where name != "__metadata__" {
            let info = try #require(value as? [String: Any])
            #expect(info["dtype"] as? String == "F32")
            let shape = try #require(info["shape"] as? [Int])
            let offsets = try #require(info["data_offsets"] as? [Int])
            let data = Array(bytes[(8 + headerLength + offsets[0])..<(8 + headerLength + offsets[1])])
            let values = data.withUnsafeBytes { raw in
                (0..<(data.count / 4)).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
            }
            #expect(values.count == shape.reduce(1, *))
            result[name] = (shape, values)
        }
        return result
    }

    @Test func writtenFileParsesBackToTheSameTensors() throws {
        var writer = SafetensorsWriter()
        writer.add("a.weight", shape: [2, 3], values: [1, 2, 3, 4, 5, -6.5])
        writer.add("b", shape: [1], values: [.pi])
        let parsed = try parse(writer.bytes())
        #expect(parsed.count == 2)
        #expect(parsed["a.weight"]?.shape == [2, 3] && parsed["a.weight"]?.values == [1, 2, 3, 4, 5, -6.5])
        #expect(parsed["b"]?.shape == [1] && parsed["b"]?.values == [.pi])
    }

    /// convert_hf_to_gguf.py's `permute`: gguf row h*hd + 2i + j = HF row h*hd + j*hd/2 + i.
    func permuteLikeConvertHFToGGUF(_ hf: [Float], heads: Int, headDim: Int, columns: Int) -> [Float] {
        var gguf = hf
        for h in 0..<heads {
            for i in 0..<(headDim / 2) {
                for j in 0..<2 {
                    for c in 0..<columns {
                        gguf[(h * headDim + 2 * i + j) * columns + c] =
                            hf[(h * headDim + j * headDim / 2 + i) * columns + c]
                    }
                }
            }
        }
        return gguf
    }

    @Test func exportUsesHuggingFaceNamesAndUnpermutesQueryAndKeyRows() throws {
        let model = LlamaModel(config: .tiny, seed: 4)
        var writer = SafetensorsWriter()
        let tensors = model.huggingFaceTensors()
        for tensor in tensors { writer.add(tensor.name, shape: tensor.shape, values: tensor.values) }
        let parsed = try parse(writer.bytes())
        #expect(parsed.count == model.layout.tensors.count)  // tied: no lm_head.weight
        #expect(parsed["lm_head.weight"] == nil)
        let embedding = try #require(parsed["model.embed_tokens.weight"])
        #expect(embedding.shape == [256, 64])
        #expect(
            embedding.values
                == Array(UnsafeBufferPointer(start: model.parameterPointer("token_embd.weight"), count: 256 * 64)))
        let config = model.config
        for (hfName, ggufName, heads) in [
            ("model.layers.1.self_attn.q_proj.weight", "blk.1.attn_q.weight", config.nHeads),
            ("model.layers.1.self_attn.k_proj.weight", "blk.1.attn_k.weight", config.nKVHeads),
        ] {
            let hf = try #require(parsed[hfName])
            let gguf = Array(
                UnsafeBufferPointer(
                    start: model.parameterPointer(ggufName), count: heads * config.headDim * config.dModel))
            #expect(hf.shape == [heads * config.headDim, config.dModel])
            #expect(hf.values != gguf)
            #expect(
                permuteLikeConvertHFToGGUF(hf.values, heads: heads, headDim: config.headDim, columns: config.dModel)
                    == gguf)
        }
        let v = try #require(parsed["model.layers.0.self_attn.v_proj.weight"])
        #expect(
            v.values
                == Array(
                    UnsafeBufferPointer(start: model.parameterPointer("blk.0.attn_v.weight"), count: v.values.count)))
        let json = try JSONSerialization.jsonObject(with: Data(model.huggingFaceConfigJSON().utf8)) as? [String: Any]
        #expect(json?["num_key_value_heads"] as? Int == 2 && json?["tie_word_embeddings"] as? Bool == true)
        #expect(json?["rms_norm_eps"] as? Double == 1e-5)
        #expect(json?["eos_token_id"] == nil)
        let special =
            try JSONSerialization.jsonObject(
                with: Data(model.huggingFaceConfigJSON(bosTokenID: 1, eosTokenID: 0).utf8)) as? [String: Any]
        #expect(special?["bos_token_id"] as? Int == 1 && special?["eos_token_id"] as? Int == 0)
        #expect(special?["vocab_size"] as? Int == config.vocab)
    }
}

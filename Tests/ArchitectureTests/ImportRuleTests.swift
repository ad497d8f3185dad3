import Foundation
import Testing

/// ARCHITECTURE.md against the code: the import table and the layer diagram must be the graph the sources have, and
/// the rules it states (C at the edge, no engine under Augmentation and RemoteGeneration, compute modules free of
/// infrastructure packages) must hold in every Swift file under `Sources/`.
@Suite
struct ImportRuleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func everyModuleImportsExactlyWhatItsRowSays() throws {
        let table = try ArchitectureDocument.load(root: Self.root).importTable
        let sources = try SourceTree(root: Self.root)
        #expect(
            Set(table.keys) == sources.moduleNames,
            "modules in ARCHITECTURE.md vs Sources/: \(Set(table.keys).symmetricDifference(sources.moduleNames).sorted())"
        )
        for module in sources.moduleNames.sorted() {
            let imported = sources.internalImports(of: module)
            let documented = table[module] ?? []
            #expect(
                imported == documented,
                "\(module): imports \(imported.subtracting(documented).sorted()) not in its ARCHITECTURE.md row; row lists \(documented.subtracting(imported).sorted()) it does not import"
            )
        }
    }

    @Test func everyImportPointsToALowerLayer() throws {
        let layers = try ArchitectureDocument.load(root: Self.root).layers
        let sources = try SourceTree(root: Self.root)
        #expect(
            Set(layers.keys) == sources.moduleNames,
            "modules missing from the layer diagram: \(sources.moduleNames.subtracting(layers.keys).sorted())")
        for module in sources.moduleNames.sorted() {
            for imported in sources.internalImports(of: module).sorted() {
                let from = layers[module] ?? -1
                let to = layers[imported] ?? Int.max
                #expect(to < from, "\(module) (layer \(from)) imports \(imported) (layer \(to)): not a lower layer")
            }
        }
    }

    @Test func generationCallersDoNotReachTheEngine() throws {
        let sources = try SourceTree(root: Self.root)
        for module in ["Augmentation", "RemoteGeneration", "Generation"] {
            let reachable = sources.transitiveImports(of: module)
            #expect(!reachable.contains("Inference"), "\(module) reaches Inference through \(reachable.sorted())")
        }
    }

    @Test func cIsWrappedOnceAtTheEdge() throws {
        let sources = try SourceTree(root: Self.root)
        let allowed: [String: (String) -> Bool] = [
            "CRdKafka": { $0.hasPrefix("Kafka/RDKafka/") },
            "CZstd": { $0.hasPrefix("Shards/Zstd") },
            "COpenBLAS": { $0.hasPrefix("Tensors/BLAS") },
            "CThinkStreamShims": { $0.hasPrefix("Quantization/") || $0.hasPrefix("Inference/") },
        ]
        for file in sources.files {
            for imported in file.imports where imported.hasPrefix("C") && allowed[imported] != nil {
                #expect(allowed[imported]!(file.path), "\(file.path) imports \(imported)")
            }
            if !file.path.hasPrefix("Kafka/RDKafka/") {
                #expect(!file.text.contains("rd_kafka_"), "\(file.path) calls librdkafka outside Kafka/RDKafka/")
            }
        }
    }

    @Test func infrastructurePackagesStayOutOfTheComputeModules() throws {
        let sources = try SourceTree(root: Self.root)
        let compute: Set = [
            "Tensors", "Quantization", "GGUF", "Tokenization", "Executors", "Randomness", "Generation", "Inference",
            "Training",
            "Shards", "Augmentation",
        ]
        let infrastructure: Set = [
            "Kafka", "Logging", "Metrics", "ArgumentParser", "Hummingbird", "Configuration", "Yams", "ServiceLifecycle",
        ]
        for file in sources.files {
            if compute.contains(file.module) {
                #expect(
                    file.imports.isDisjoint(with: infrastructure),
                    "\(file.path) imports \(file.imports.intersection(infrastructure).sorted())")
            }
            if file.module != "ThinkStreamCLI" {
                #expect(
                    file.imports.isDisjoint(with: ["ArgumentParser", "Yams"]),
                    "\(file.path): only the CLI parses arguments and YAML")
            }
            if file.module != "ThinkStreamTesting" {
                #expect(!file.imports.contains("Testing"), "\(file.path) imports Testing outside ThinkStreamTesting")
            }
        }
    }

    /// The checker itself: a module that imports one its row does not list is caught, and so is a cycle.
    @Test func theCheckerCatchesAnUndocumentedImportAndACycle() {
        let sources = SourceTree(files: [
            .init(module: "A", path: "A/a.swift", imports: ["B", "Foundation"], text: ""),
            .init(module: "B", path: "B/b.swift", imports: ["A"], text: ""),
        ])
        #expect(sources.internalImports(of: "A") == ["B"])
        #expect(sources.transitiveImports(of: "A") == ["A", "B"], "a cycle leads back to A")
        let table = ArchitectureDocument.parseImportTable(
            """
            <!-- import-table:begin -->
            | module | imports | job |
            |---|---|---|
            | A | | a |
            <!-- import-table:end -->
            """)
        #expect(table == ["A": []])
        #expect(sources.internalImports(of: "A") != table["A"])
    }
}

/// The machine-readable parts of ARCHITECTURE.md.
struct ArchitectureDocument {
    var importTable: [String: Set<String>]
    var layers: [String: Int]

    static func load(root: URL) throws -> ArchitectureDocument {
        let text = try String(contentsOf: root.appendingPathComponent("ARCHITECTURE.md"), encoding: .utf8)
        return ArchitectureDocument(importTable: parseImportTable(text), layers: parseLayers(text))
    }

    static func section(_ text: String, _ name: String) -> [Substring] {
        guard let start = text.range(of: "<!-- \(name):begin -->"), let end = text.range(of: "<!-- \(name):end -->")
        else { return [] }
        return text[start.upperBound..<end.lowerBound].split(separator: "\n")
    }

    /// Rows `| module | imports separated by spaces | job |`, after the header and separator rows.
    static func parseImportTable(_ text: String) -> [String: Set<String>] {
        var table: [String: Set<String>] = [:]
        for line in section(text, "import-table").dropFirst(2) where line.hasPrefix("|") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard cells.count >= 3, !cells[1].isEmpty else { continue }
            table[cells[1]] = Set(cells[2].split(separator: " ").map(String.init))
        }
        return table
    }

    /// Lines `N  Module   Module …` inside the layers code block.
    static func parseLayers(_ text: String) -> [String: Int] {
        var layers: [String: Int] = [:]
        for line in section(text, "layers") {
            let words = line.split(separator: " ")
            guard let first = words.first, let layer = Int(first) else { continue }
            for module in words.dropFirst() { layers[String(module)] = layer }
        }
        return layers
    }
}

/// The Swift files under `Sources/` with their module (the folder under `Sources/`) and the modules they import.
struct SourceTree {
    struct File {
        var module: String
        var path: String
        var imports: Set<String>
        var text: String
    }

    var files: [File]
    /// Every module under `Sources/`: Swift folders and C targets (folders without Swift files).
    var moduleNames: Set<String>

    init(files: [File]) {
        self.files = files
        self.moduleNames = Set(files.map(\.module))
    }

    init(root: URL) throws {
        let sources = root.appendingPathComponent("Sources")
        var files: [File] = []
        var modules: Set<String> = []
        let manager = FileManager.default
        for module in try manager.contentsOfDirectory(atPath: sources.path) {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: sources.appendingPathComponent(module).path, isDirectory: &isDirectory),
                isDirectory.boolValue
            else { continue }
            modules.insert(module)
            guard let walker = manager.enumerator(atPath: sources.appendingPathComponent(module).path) else { continue }
            for case let relative as String in walker where relative.hasSuffix(".swift") {
                let path = module + "/" + relative
                let text = try String(contentsOf: sources.appendingPathComponent(path), encoding: .utf8)
                files.append(File(module: module, path: path, imports: Self.imports(in: text), text: text))
            }
        }
        self.files = files
        self.moduleNames = modules
    }

    /// Module names after `import`, with or without attributes (`@preconcurrency import X`, `public import X`).
    static func imports(in text: String) -> Set<String> {
        var result: Set<String> = []
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard let index = words.firstIndex(of: "import"), index + 1 < words.count,
                words[..<index].allSatisfy({
                    $0.hasPrefix("@") || ["public", "internal", "package", "private", "fileprivate"].contains($0)
                })
            else { continue }
            result.insert(String(words[index + 1].split(separator: ".").first ?? ""))
        }
        return result
    }

    /// The ThinkStream modules that `module`'s files import.
    func internalImports(of module: String) -> Set<String> {
        files.filter { $0.module == module }.reduce(into: Set<String>()) { $0.formUnion($1.imports) }.intersection(
            moduleNames
        )
        .subtracting([module])
    }

    /// Every ThinkStream module reachable from `module` through imports (`module` itself only through a cycle).
    func transitiveImports(of module: String) -> Set<String> {
        var reached: Set<String> = []
        var frontier = Array(internalImports(of: module))
        while let next = frontier.popLast() {
            guard reached.insert(next).inserted else { continue }
            frontier.append(contentsOf: internalImports(of: next))
        }
        return reached
    }
}

import Augmentation
import Generation
import Inference
import Testing

@Suite struct TrajectoryGateTests {
    static let document =
        "The mitochondrion is the powerhouse of the cell. It produces ATP through oxidative phosphorylation, a process "
        + "that uses the electron transport chain and a proton gradient across the inner membrane."
    static let goodThinking =
        "An expert would first ask what energy means for a cell. ATP is like a rechargeable battery: the cell spends it "
        + "to move molecules, build proteins and contract muscles. The inner membrane works like a dam, since protons "
        + "pumped across it flow back through ATP synthase, turning a turbine that charges the battery again. Why a "
        + "gradient rather than direct chemistry? Because it decouples many small redox steps from one large synthesis."

    @Test func acceptsOrdinaryThinking() {
        let verdict = TrajectoryGate().evaluate(
            thinking: Self.goodThinking, document: Self.document, finishReason: .stop, generatedTokens: 90)
        #expect(verdict == .accepted)
    }

    @Test func rejectsALoop() {
        let loop = "Let me think about this. " + String(repeating: "The cell makes ATP from food. ", count: 20)
        let verdict = TrajectoryGate().evaluate(
            thinking: loop, document: Self.document, finishReason: .length, generatedTokens: 256)
        #expect(verdict == .rejected(.loop))
        #expect(TrajectoryGate().measure(thinking: loop, document: Self.document).repeatedNGramFraction > 0.8)
    }

    @Test func rejectsAVerbatimCopy() {
        let copy = "Restating: " + Self.document + " Indeed."
        let verdict = TrajectoryGate().evaluate(
            thinking: copy, document: Self.document, finishReason: .stop, generatedTokens: 50)
        #expect(verdict == .rejected(.copy))
    }

    @Test func rejectsShortThinking() {
        let verdict = TrajectoryGate().evaluate(
            thinking: "ATP is energy.", document: Self.document, finishReason: .eog, generatedTokens: 5)
        #expect(verdict == .rejected(.tooShort))
    }

    @Test func rejectsACapHitAndAppliesTheCapPolicy() {
        let verdict = TrajectoryGate().evaluate(
            thinking: Self.goodThinking, document: Self.document, finishReason: .length, generatedTokens: 256)
        #expect(verdict == .rejected(.capHit))
        #expect(TrajectoryGate(TrajectoryGateConfiguration(capPolicy: .keepAndClose)).keepsAfterLastAttempt(verdict))
        #expect(!TrajectoryGate(TrajectoryGateConfiguration(capPolicy: .drop)).keepsAfterLastAttempt(verdict))
        #expect(!TrajectoryGate().keepsAfterLastAttempt(.rejected(.loop)))
        #expect(TrajectoryGate().keepsAfterLastAttempt(.accepted))
    }

    @Test func ignoresTextAfterTheClosingTag() {
        let thinking = Self.goodThinking + "</think>" + String(repeating: "spam spam spam spam ", count: 50)
        let verdict = TrajectoryGate().evaluate(
            thinking: thinking, document: Self.document, finishReason: .stop, generatedTokens: 90)
        #expect(verdict == .accepted)
    }

    @Test func configurationValidationNamesTheKey() {
        #expect(throws: Never.self) { try TrajectoryGateConfiguration().validate() }
        do {
            try TrajectoryGateConfiguration(maxRepeatedNGramFraction: 1.5).validate()
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("gate.maxRepeatedNGramFraction"))
        }
    }
}

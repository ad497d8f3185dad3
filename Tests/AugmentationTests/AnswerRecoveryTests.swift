import Augmentation
import Testing

@Suite struct AnswerRecoveryTests {
    @Test func gsm8kTrajectoryThatComputesTheAnswerReachesIt() {
        let check = AnswerRecovery(number: 18)
        let text = """
            Janet's ducks lay 16 eggs per day. She eats 3 and bakes with 4, so 16 - 3 - 4 = 9 eggs remain.
            Each sells for $2, so she makes 9 * 2 = $18 every day.
            """
        let outcome = check.check(text)
        #expect(outcome.reached)
        #expect(outcome.finalCorrect)
        #expect(outcome.finalAnswer == "18")
    }

    @Test func wrongArithmeticDoesNotReachTheAnswer() {
        let check = AnswerRecovery(number: 18)
        // The loop SmolLM2 wrote on this problem: the reference is never stated as a result.
        let text = "1 + 2 + 3 + 4 + 5 = 15. 10 + 10 = 100. 1 + 10 = 11. So she makes 16 dollars"
        let outcome = check.check(text)
        #expect(!outcome.reached)
        #expect(!outcome.finalCorrect)
        #expect(outcome.finalAnswer == "11")
    }

    @Test func numbersOnlyInTheProblemStatementDoNotCount() {
        // 18 occurs, but as an operand, never as a result or the last number.
        let check = AnswerRecovery(number: 18)
        #expect(!check.check("There are 18 students; 18 / 3 = 6 groups of students").reached)
        // A result followed by more mathematics is not the quantity: "= 18x + 2" does not state 18.
        #expect(!check.check("so y = 18x + 2 and the slope is 2").reached)
    }

    @Test func answerPhrasesAndThousandsSeparatorsCount() {
        #expect(AnswerRecovery(number: 1200).check("The answer is $1,200 per month. Done").reached)
        #expect(AnswerRecovery(number: 0.5).check("so the answer: .5 of the cake").reached)
        #expect(AnswerRecovery(number: -3).check("Thus x = -3.").finalCorrect)
    }

    @Test func mathBoxedLatexAnswersCompareAfterNormalization() {
        let fraction = AnswerRecovery(answer: "\\frac{1}{2}")
        #expect(fraction.check("Hence the probability is $\\boxed{\\dfrac12}$.").finalCorrect)
        #expect(fraction.check("The ratio is 0.5 = 1/2, so p = 0.5").reached)
        let surd = AnswerRecovery(answer: "3\\sqrt{2}")
        #expect(surd.check("Simplifying, $d = 3 \\sqrt{2}$ units").reached)
        #expect(!surd.check("Simplifying, $d = 2 \\sqrt{3}$ units").reached)
        let interval = AnswerRecovery(answer: "\\left( -\\infty, 1 \\right]")
        #expect(interval.check("the domain is \\boxed{(-\\infty,1]}").finalCorrect)
        let degrees = AnswerRecovery(answer: "30^\\circ")
        #expect(degrees.check("so the angle is \\boxed{30}").finalCorrect)
        let text = AnswerRecovery(answer: "\\text{(C)}")
        #expect(text.check("The correct option is \\boxed{\\text{(C)}}").finalCorrect)
    }

    @Test func theLastBoxedAnswerIsTheFinalOne() {
        let check = AnswerRecovery(answer: "7")
        let outcome = check.check("First guess \\boxed{5}, but rechecking gives \\boxed{7}.")
        #expect(outcome.finalAnswer == "7")
        #expect(outcome.finalCorrect)
        let wrongLast = check.check("It is \\boxed{7}. Wait, no: \\boxed{9}.")
        #expect(wrongLast.reached)
        #expect(!wrongLast.finalCorrect)
    }

    @Test func normalizationFollowsTheMathBenchmark() {
        #expect(AnswerRecovery.normalize("\\boxed{\\dfrac{3}{4}}") == "\\frac{3}{4}")
        #expect(AnswerRecovery.normalize("x = 5") == "5")
        #expect(AnswerRecovery.normalize("10\\%") == "10")
        #expect(AnswerRecovery.normalize("\\$ 2.50") == "2.5")
        #expect(AnswerRecovery.normalize("\\text{Monday}") == "Monday")
    }
}

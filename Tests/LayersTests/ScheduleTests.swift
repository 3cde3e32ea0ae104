import Layers
import Testing

/// OneCycleLR against torch 2.15's values (tables A–E of the feature survey).
@Suite struct OneCycleLRTests {
    func expectTable(_ s: OneCycleLR, lr: [Int: Double], beta1: [Int: Double],
                     sourceLocation: SourceLocation = #_sourceLocation) throws {
        for (step, expected) in lr {
            let got = try s.lr(atStep: step)
            #expect(abs(got - expected) <= 1e-9 * max(1, abs(expected)) + 1e-12, "lr at \(step): \(got) vs \(expected)",
                    sourceLocation: sourceLocation)
        }
        for (step, expected) in beta1 {
            let got = try #require(try s.momentum(atStep: step))
            #expect(abs(got - expected) <= 1e-9, "beta1 at \(step): \(got) vs \(expected)",
                    sourceLocation: sourceLocation)
        }
    }

    @Test func defaults_Cos_MatchTorchTableA() throws {
        let s = try OneCycleLR(maxLR: 0.1, totalSteps: 10)
        try expectTable(s, lr: [0: 0.004, 1: 0.052, 2: 0.1, 3: 0.0950484632, 4: 0.08117456539, 5: 0.06112620219,
                                6: 0.03887419781, 7: 0.01882583461, 8: 0.004951936799, 9: 4e-07, 10: 0.004951936799],
                        beta1: [0: 0.95, 1: 0.9, 2: 0.85, 3: 0.8549515566, 5: 0.8888739533, 9: 0.95, 10: 0.9450484434])
    }

    @Test func linear_PastTheEndGoesNegative_TableB() throws {
        let s = try OneCycleLR(maxLR: 0.1, totalSteps: 10, annealStrategy: .linear)
        try expectTable(s, lr: [3: 0.08571434286, 8: 0.01428605714, 9: 4e-07, 10: -0.01428525714],
                        beta1: [3: 0.8642857143, 10: 0.9642857143])
    }

    @Test func threePhase_TableC() throws {
        let s = try OneCycleLR(maxLR: 0.1, totalSteps: 10, threePhase: true)
        #expect(s.phaseEnds == [2, 4, 9])
        try expectTable(s, lr: [0: 0.004, 1: 0.052, 2: 0.1, 3: 0.052, 4: 0.004, 5: 0.003618072185,
                                6: 0.002618172185, 7: 0.001382227815, 8: 0.0003823278146, 9: 4e-07],
                        beta1: [1: 0.9, 2: 0.85, 3: 0.9, 4: 0.95, 7: 0.95])
    }

    @Test func courseStyle_FractionalPhaseBoundary_TableD() throws {
        let s = try OneCycleLR(maxLR: 0.01, totalSteps: 10, pctStart: 5.0 / 24, annealStrategy: .linear,
                               divFactor: 100, finalDivFactor: 100)
        try expectTable(s, lr: [0: 0.0001, 1: 0.009238461538, 2: 0.008842221053, 5: 0.005053126316,
                                8: 0.001264031579, 9: 1e-06, 10: -0.001262031579],
                        beta1: [1: 0.8576923077, 2: 0.8615789474, 10: 0.9626315789])
    }

    @Test func realisticRun_EpochsTimesSteps_TableE() throws {
        let s = try OneCycleLR(maxLR: 0.01, epochs: 24, stepsPerEpoch: 98, pctStart: 5.0 / 24,
                               annealStrategy: .linear, divFactor: 100, finalDivFactor: 100)
        #expect(s.totalSteps == 2352)
        try expectTable(s, lr: [1: 0.0001202453988, 488: 0.009979754601, 489: 0.01, 490: 0.009994629968,
                                1000: 0.007255913534, 2350: 6.370032223e-06, 2351: 1e-06, 2352: -4.370032223e-06],
                        beta1: [1: 0.949795501, 490: 0.8500537057, 2352: 0.9500537057])
    }

    @Test func steppingPastTheEnd_Throws() throws {
        let s = try OneCycleLR(maxLR: 0.1, totalSteps: 10)
        #expect(throws: ScheduleError.self) { try s.lr(atStep: 11) }
        #expect(throws: ScheduleError.self) { try s.lr(atStep: -1) }
        #expect(throws: ScheduleError.self) { try OneCycleLR(maxLR: 0.1, totalSteps: 0) }
        #expect(throws: ScheduleError.self) { try OneCycleLR(maxLR: 0.1, totalSteps: 10, pctStart: 1.5) }
        #expect(throws: ScheduleError.self) { try OneCycleLR(maxLR: 0.1, totalSteps: 10, pctStart: 0.1) }
    }

    @Test func apply_SetsAdamBeta1AndSGDMomentum() throws {
        let s = try OneCycleLR(maxLR: 0.1, totalSteps: 10)
        let adam = Adam(parameters: [Tensor.zeros([2], requiresGrad: true)], lr: 123)
        try s.apply(step: 1, to: adam)
        #expect(adam.lr == (try s.lr(atStep: 1)))
        #expect(abs(adam.betas.0 - 0.9) < 1e-12 && adam.betas.1 == 0.999)
        let sgd = SGD(parameters: [Tensor.zeros([2], requiresGrad: true)], lr: 1, momentum: 0.5)
        try s.apply(step: 2, to: sgd)
        #expect(sgd.momentum == 0.85)
        #expect(throws: ScheduleError.self) { try s.apply(step: 11, to: sgd) }
    }

    @Test func noMomentumCycling_LeavesBetaAlone() throws {
        let s = try OneCycleLR(maxLR: 0.1, totalSteps: 10, cycleMomentum: false)
        let adam = Adam(parameters: [Tensor.zeros([1], requiresGrad: true)], betas: (0.8, 0.99))
        try s.apply(step: 3, to: adam)
        #expect(adam.betas.0 == 0.8)
        #expect(try s.momentum(atStep: 3) == nil)
    }
}

@Suite struct OtherScheduleTests {
    @Test func constantLR_FactorThenBase() throws {
        let s = try ConstantLR(baseLR: 0.3)
        #expect(abs(try s.lr(atStep: 0) - 0.1) < 1e-15)
        #expect(abs(try s.lr(atStep: 4) - 0.1) < 1e-15)
        #expect(try s.lr(atStep: 5) == 0.3)
        #expect(try ConstantLR(baseLR: 0.01, factor: 1).lr(atStep: 0) == 0.01)
        #expect(throws: ScheduleError.self) { try ConstantLR(baseLR: 1, factor: 2) }
    }

    @Test func stepLR_DecaysEveryStepSize() throws {
        let s = try StepLR(baseLR: 1, stepSize: 3, gamma: 0.5)
        #expect(try (0..<7).map { try s.lr(atStep: $0) } == [1, 1, 1, 0.5, 0.5, 0.5, 0.25])
        #expect(throws: ScheduleError.self) { try StepLR(baseLR: 1, stepSize: 0) }
    }
}

@Suite struct ScheduleLintTests {
    @Test func finalDivFactorBelowOne_Warns() throws {
        let seed = try OneCycleLR(maxLR: 1e-3, epochs: 24, stepsPerEpoch: 98, pctStart: 5.0 / 24,
                                  annealStrategy: .linear, finalDivFactor: 0.04)
        let warnings = ScheduleLints.check(seed, plannedEpochs: 24, stepsPerEpoch: 98)
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("final_div_factor 0.04 < 1") == true)
        // It really does end above where it starts.
        #expect(try seed.lr(atStep: 2351) > seed.lr(atStep: 0))
    }

    @Test func peakFarAboveTheLRFinderSuggestion_WarnsWithARoundedFactor() throws {
        let s = try OneCycleLR(maxLR: 4e-3, epochs: 3, stepsPerEpoch: 10)
        let warnings = ScheduleLints.check(s, lrFinderSuggestion: 3.86e-4)
        #expect(warnings
                == ["peak LR 0.004 is 10.4× the LR finder's suggestion 0.000386; expect divergence, or lower max_lr"])
        #expect(ScheduleLints.check(s, lrFinderSuggestion: 1e-3).isEmpty)
    }

    @Test func lengthMismatch_Warns() throws {
        let s = try OneCycleLR(maxLR: 0.01, epochs: 24, stepsPerEpoch: 98)
        #expect(ScheduleLints.check(s, plannedEpochs: 24, stepsPerEpoch: 98).isEmpty)
        #expect(ScheduleLints.check(s, plannedEpochs: 24, stepsPerEpoch: 100).first?.contains("fail at step 2353")
                == true)
        #expect(ScheduleLints.check(s, plannedEpochs: 20, stepsPerEpoch: 98).first?.contains("1960") == true)
    }

    @Test func peakFarAboveFinderSuggestion_Warns() throws {
        let s = try OneCycleLR(maxLR: 0.1, totalSteps: 100)
        #expect(ScheduleLints.check(s, lrFinderSuggestion: 0.02).isEmpty)
        let warnings = ScheduleLints.check(s, lrFinderSuggestion: 0.001)
        #expect(warnings.count == 1 && warnings[0].contains("100×"))
    }
}

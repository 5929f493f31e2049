package dev.nabla.optim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ScheduleTest {

    @Test
    void constantKeepsTheBaseRate() {
        for (int e = 1; e <= 5; e++) assertEquals(0.1, Schedule.constant().lr(0.1, e, 5));
    }

    @Test
    void stepMultipliesByGammaEveryIntervalStartingAfterTheFirstInterval() {
        Schedule s = Schedule.step(2, 0.5);
        double[] expected = {1, 1, 0.5, 0.5, 0.25};
        for (int e = 1; e <= 5; e++) assertEquals(expected[e - 1], s.lr(1, e, 5), "epoch " + e);
    }

    @Test
    void cosineStartsAtTheBaseAndHalvesAtMidRun() {
        Schedule s = Schedule.cosine();
        assertEquals(0.1, s.lr(0.1, 1, 10), 1e-15);
        assertEquals(0.05, s.lr(0.1, 6, 10), 1e-15);
        assertEquals(0.1 * (1 + Math.cos(Math.PI * 0.9)) / 2, s.lr(0.1, 10, 10), 1e-15);
        assertEquals(0.01 + 0.09 * 0.5, new Schedule.Cosine(0.01).lr(0.1, 6, 10), 1e-15);
    }

    @Test
    void parseReadsWhatToStringWrites() {
        for (Schedule s : new Schedule[] {Schedule.constant(), Schedule.step(3, 0.5), Schedule.cosine(), new Schedule.Cosine(0.001)}) {
            assertEquals(s, Schedule.parse(s.toString()));
        }
        assertEquals(Schedule.constant(), Schedule.parse(null));
        assertEquals(Schedule.step(3, 0.1), Schedule.parse(" STEP:3:0.1 "));
    }

    @Test
    void parseRejectsMalformedTextWithTheExpectedForms() {
        SGDTest.assertMessage(() -> Schedule.parse("linear"), "'linear'", "step:<every>:<gamma>");
        SGDTest.assertMessage(() -> Schedule.parse("step:3"), "'step:3'");
        SGDTest.assertMessage(() -> Schedule.parse("step:x:0.5"), "'step:x:0.5'");
        SGDTest.assertMessage(() -> Schedule.parse("step:0:0.5"), "interval", "0");
        SGDTest.assertMessage(() -> Schedule.parse("step:2:1.5"), "gamma", "1.5");
    }
}

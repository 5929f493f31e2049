package dev.nabla.train;

import dev.nabla.optim.Schedule;

/** Sets the optimizer's learning rate at the start of every epoch: {@code schedule.lr(base, epoch, epochs)}. */
public final class LrScheduler implements TrainListener {
    private final Schedule schedule;
    private final double base;

    public LrScheduler(Schedule schedule, double base) {
        this.schedule = schedule;
        this.base = base;
    }

    @Override
    public void onEpochStart(Trainer trainer, int epoch) {
        trainer.optimizer().setLearningRate(schedule.lr(base, epoch, trainer.epochs()));
    }
}

package dev.nabla.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Function1;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The barrier stage of a data-parallel training: one partition (one task) per worker, all started together;
 * when one fails, Spark stops the others and runs the whole stage again (up to
 * {@code spark.stage.maxConsecutiveAttempts} times, 4 by default).
 */
final class DataParallelStage {
    private DataParallelStage() {}

    /** Runs {@code task} as {@code workers} barrier tasks; their outcomes, by rank. */
    static List<DataParallelTask.Outcome> run(JavaSparkContext spark, DataParallelTask task, int workers) {
        List<Integer> ranks = IntStream.range(0, workers).boxed().toList();
        ClassTag<DataParallelTask.Outcome> tag = ClassTag$.MODULE$.apply(DataParallelTask.Outcome.class);
        Function1<scala.collection.Iterator<Integer>, scala.collection.Iterator<DataParallelTask.Outcome>> worker =
                (Function1<scala.collection.Iterator<Integer>, scala.collection.Iterator<DataParallelTask.Outcome>> & Serializable)
                        partition -> CollectionConverters.asScala(List.of(task.run()).iterator());
        // a shuffle after the barrier stage makes it a map stage, which Spark runs again when a task fails (a failed
        // barrier result stage would end the job)
        List<DataParallelTask.Outcome> out = new ArrayList<>(JavaRDD.fromRDD(
                spark.parallelize(ranks, workers).rdd().barrier().mapPartitions(worker, false, tag), tag)
                .repartition(1).collect());
        out.sort(java.util.Comparator.comparingInt(DataParallelTask.Outcome::rank));
        return out;
    }
}

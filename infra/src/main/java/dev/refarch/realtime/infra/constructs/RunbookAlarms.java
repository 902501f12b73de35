package dev.refarch.realtime.infra.constructs;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.sns.ITopic;
import software.constructs.Construct;

/**
 * The app's alarms: each one notifies the topic when it fires and when it recovers, and its
 * description says what to do (docs/operations.md has one runbook entry per alarm, under the same name).
 */
public final class RunbookAlarms extends Construct {

    /**
     * What an alarm watches, when it fires and what to do then ({@code runbook}, its description);
     * build with {@link #of}. Defaults: fires at or above 1 in one period, missing data is not breaching.
     */
    public static final class Spec {
        private final String name;
        private final IMetric metric;
        private final String runbook;
        private ComparisonOperator comparison = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;
        private double threshold = 1;
        private int periods = 1;
        private TreatMissingData missingData = TreatMissingData.NOT_BREACHING;

        private Spec(String name, IMetric metric, String runbook) {
            this.name = java.util.Objects.requireNonNull(name, "name");
            this.metric = java.util.Objects.requireNonNull(metric, "metric");
            this.runbook = java.util.Objects.requireNonNull(runbook, "runbook");
        }

        /** An alarm named {@code name} (also its runbook entry in docs/operations.md) on {@code metric}. */
        public static Spec of(String name, IMetric metric, String runbook) {
            return new Spec(name, metric, runbook);
        }

        /** Fires at or above {@code value}. */
        public Spec atLeast(double value) {
            comparison = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;
            threshold = value;
            return this;
        }

        /** Fires above {@code value}. */
        public Spec above(double value) {
            comparison = ComparisonOperator.GREATER_THAN_THRESHOLD;
            threshold = value;
            return this;
        }

        /** Fires below {@code value}. */
        public Spec below(double value) {
            comparison = ComparisonOperator.LESS_THAN_THRESHOLD;
            threshold = value;
            return this;
        }

        /** Fires after {@code count} breaching periods in a row. */
        public Spec forPeriods(int count) {
            periods = count;
            return this;
        }

        /** A period without data breaches: for signals that must keep arriving. */
        public Spec missingDataBreaches() {
            missingData = TreatMissingData.BREACHING;
            return this;
        }
    }

    private final SnsAction action;
    private final List<Alarm> alarms = new ArrayList<>();

    public RunbookAlarms(Construct scope, String id, ITopic topic) {
        super(scope, id);
        this.action = new SnsAction(topic);
    }

    /** Adds the alarm {@code spec} describes. */
    public Alarm add(Spec spec) {
        Alarm alarm = Alarm.Builder.create(this, spec.name)
                .alarmDescription(spec.runbook + " Runbook: docs/operations.md, \"" + spec.name + "\".")
                .metric(spec.metric)
                .comparisonOperator(spec.comparison)
                .threshold(spec.threshold)
                .evaluationPeriods(spec.periods)
                .datapointsToAlarm(spec.periods)
                .treatMissingData(spec.missingData)
                .build();
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
        alarms.add(alarm);
        return alarm;
    }

    /** Every alarm added so far, for the dashboard's status widget. */
    public List<IAlarm> all() {
        return List.copyOf(alarms);
    }
}

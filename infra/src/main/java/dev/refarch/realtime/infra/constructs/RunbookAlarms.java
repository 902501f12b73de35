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
 * description says what to do (the README's runbook has one entry per alarm, under the same name).
 */
public final class RunbookAlarms extends Construct {

    /** What an alarm watches and when it fires; {@code runbook} is its description. */
    public record Spec(String name, IMetric metric, ComparisonOperator comparison, double threshold,
                       int evaluationPeriods, TreatMissingData missingData, String runbook) {
    }

    private final SnsAction action;
    private final List<Alarm> alarms = new ArrayList<>();

    public RunbookAlarms(Construct scope, String id, ITopic topic) {
        super(scope, id);
        this.action = new SnsAction(topic);
    }

    /** Adds an alarm that fires after {@code evaluationPeriods} breaching periods in a row. */
    public Alarm add(Spec spec) {
        Alarm alarm = Alarm.Builder.create(this, spec.name())
                .alarmDescription(spec.runbook() + " Runbook: README.md, \"" + spec.name() + "\".")
                .metric(spec.metric())
                .comparisonOperator(spec.comparison())
                .threshold(spec.threshold())
                .evaluationPeriods(spec.evaluationPeriods())
                .datapointsToAlarm(spec.evaluationPeriods())
                .treatMissingData(spec.missingData())
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

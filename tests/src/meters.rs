//! An OpenTelemetry SDK meter provider installed as the global one, keeping
//! what it exports in memory: what the metrics tests read.

use std::sync::{Mutex, MutexGuard, PoisonError};

use opentelemetry::{global, KeyValue};
use opentelemetry_sdk::metrics::data::{
    AggregatedMetrics, Metric, MetricData, ResourceMetrics, ScopeMetrics, SumDataPoint,
};
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};

/// Held while a [`Meters`] is installed: there is one global provider per
/// process, so the tests that install one run one at a time.
static INSTALLED: Mutex<()> = Mutex::new(());

/// An SDK meter provider, installed as the global one, exporting to memory.
#[derive(Debug)]
pub struct Meters {
    provider: SdkMeterProvider,
    exporter: InMemoryMetricExporter,
    _installed: MutexGuard<'static, ()>,
}

impl Meters {
    /// Installs a new provider as the global one, once no other test holds
    /// one.
    pub fn install() -> Self {
        let installed = INSTALLED.lock().unwrap_or_else(PoisonError::into_inner);
        let exporter = InMemoryMetricExporter::default();
        let provider =
            SdkMeterProvider::builder().with_reader(PeriodicReader::builder(exporter.clone()).build()).build();
        global::set_meter_provider(provider.clone());
        Meters { provider, exporter, _installed: installed }
    }

    /// Exports what the provider recorded so far and reads it back.
    pub fn collect(&self) -> Collected {
        self.provider.force_flush().expect("the provider exports");
        let mut exports = self.exporter.get_finished_metrics().expect("the exporter keeps its exports");
        Collected(exports.pop())
    }
}

impl Drop for Meters {
    fn drop(&mut self) {
        // A second shutdown (after a failed test) only reports that it was
        // shut down already.
        let _ = self.provider.shutdown();
    }
}

/// The metrics as the provider's last export holds them (cumulative); `None`
/// when it has exported nothing, having recorded nothing.
#[derive(Debug)]
pub struct Collected(Option<ResourceMetrics>);

impl Collected {
    /// The value of counter `name` for exactly `attributes`; 0 when nothing
    /// was counted for them.
    pub fn counter(&self, name: &str, attributes: &[(&str, &str)]) -> u64 {
        match self.metric(name).map(Metric::data) {
            None => 0,
            Some(AggregatedMetrics::U64(MetricData::Sum(sum))) => sum
                .data_points()
                .find(|point| same_attributes(point.attributes(), attributes))
                .map_or(0, SumDataPoint::value),
            Some(other) => panic!("{name} is not a u64 counter: {other:?}"),
        }
    }

    /// How many values, and their sum, histogram `name` holds for exactly
    /// `attributes`; (0, 0.0) when none.
    pub fn histogram(&self, name: &str, attributes: &[(&str, &str)]) -> (u64, f64) {
        match self.metric(name).map(Metric::data) {
            None => (0, 0.0),
            Some(AggregatedMetrics::F64(MetricData::Histogram(histogram))) => histogram
                .data_points()
                .find(|point| same_attributes(point.attributes(), attributes))
                .map_or((0, 0.0), |point| (point.count(), point.sum())),
            Some(other) => panic!("{name} is not an f64 histogram: {other:?}"),
        }
    }

    /// The unit of instrument `name`.
    pub fn unit(&self, name: &str) -> Option<&str> {
        self.metric(name).map(Metric::unit)
    }

    fn metric(&self, name: &str) -> Option<&Metric> {
        self.0
            .iter()
            .flat_map(ResourceMetrics::scope_metrics)
            .filter(|scope| scope.scope().name() == agenthooks::telemetry::METER)
            .flat_map(ScopeMetrics::metrics)
            .find(|metric| metric.name() == name)
    }
}

/// Whether a data point's attributes are exactly `expected`, in any order.
fn same_attributes<'a>(actual: impl Iterator<Item = &'a KeyValue>, expected: &[(&str, &str)]) -> bool {
    let mut actual: Vec<(String, String)> =
        actual.map(|pair| (pair.key.as_str().to_owned(), pair.value.as_str().into_owned())).collect();
    let mut expected: Vec<(String, String)> =
        expected.iter().map(|&(key, value)| (key.to_owned(), value.to_owned())).collect();
    actual.sort();
    expected.sort();
    actual == expected
}

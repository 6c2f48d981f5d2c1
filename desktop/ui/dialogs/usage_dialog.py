"""Usage and cost: tokens per day by provider, Anthropic's input split by cache, cost per
day, and totals per model and per project. Local models cost $0, so they show time."""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QDialog,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core.store import Store
from desktop.core.store.reports import cost_by_project, usage_by_day, usage_by_model
from desktop.ui.projects.store_service import StoreService


def load_usage(store: Store) -> dict:
    return {"days": usage_by_day(store), "models": usage_by_model(store),
            "projects": cost_by_project(store)}


def stacked_chart(title: str, days: list[str], series: dict[str, list[float]],
                  unit: str) -> QChartView:
    chart = QChart()
    chart.setTitle(title)
    bars = QStackedBarSeries()
    for name, values in series.items():
        bar_set = QBarSet(name)
        bar_set.append(values)
        bars.append(bar_set)
    chart.addSeries(bars)
    x = QBarCategoryAxis()
    x.append(days or ["no data yet"])
    y = QValueAxis()
    y.setTitleText(unit)
    y.setLabelFormat("%.2f" if unit == "US$" else "%.0f")
    top = max((sum(column) for column in zip(*series.values(), strict=True)), default=0)
    y.setRange(0, max(top * 1.1, 1))
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    bars.attachAxis(x)
    bars.attachAxis(y)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    return view


class UsageDialog(QDialog):
    def __init__(self, store: StoreService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Usage and cost")
        self.resize(900, 600)
        self.tabs = QTabWidget()
        QVBoxLayout(self).addWidget(self.tabs)
        store.call(load_usage, self._show)

    def _show(self, usage: dict) -> None:
        days = sorted({row["day"] for row in usage["days"]})
        providers = sorted({row["provider"] for row in usage["days"]})

        def per_day(provider: str, key: str) -> list[float]:
            values = {r["day"]: r[key] for r in usage["days"] if r["provider"] == provider}
            return [float(values.get(day, 0)) for day in days]

        tokens = {p: [a + b for a, b in zip(per_day(p, "tokens_in"), per_day(p, "tokens_out"),
                                            strict=True)] for p in providers}
        self.tabs.addTab(stacked_chart("Tokens per day, by provider", days, tokens or
                                       {"none": []}, "tokens"), "Tokens")
        anthropic = {"uncached input": per_day("anthropic", "tokens_in"),
                     "cache written": per_day("anthropic", "cache_creation_tokens"),
                     "cache read": per_day("anthropic", "cache_read_tokens")}
        self.tabs.addTab(stacked_chart("Anthropic input per day, by cache", days, anthropic,
                                       "tokens"), "Anthropic cache")
        cost = {p: per_day(p, "cost_usd") for p in providers}
        self.tabs.addTab(stacked_chart("Cost per day (US$)", days, cost or {"none": []}, "US$"),
                         "Cost")
        self.tabs.addTab(self._table(
            ["Provider", "Model", "Generations", "Tokens in", "Tokens out", "Cache read",
             "Cost (US$)", "Time (s)"],
            [[m.provider, m.model, m.generations, m.tokens_in, m.tokens_out,
              m.cache_read_tokens, f"{m.cost_usd:.4f}", f"{m.total_ms / 1000:.1f}"]
             for m in usage["models"]]), "By model")
        self.tabs.addTab(self._table(
            ["Project", "Generations", "Tokens", "Cost (US$)", "Time (s)"],
            [[p["name"], p["generations"], p["tokens"], f"{p['cost_usd']:.4f}",
              f"{p['total_ms'] / 1000:.1f}"] for p in usage["projects"]]), "By project")

    @staticmethod
    def _table(headers: list[str], rows: list[list]) -> QTableWidget:
        table = QTableWidget(len(rows), len(headers))
        table.setHorizontalHeaderLabels(headers)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.setItem(r, c, QTableWidgetItem(str(value)))
        table.resizeColumnsToContents()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        return table

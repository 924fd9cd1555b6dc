using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using MediaCenter.Messages;
using A = DocumentFormat.OpenXml.Drawing;
using C = DocumentFormat.OpenXml.Drawing.Charts;
using Xdr = DocumentFormat.OpenXml.Drawing.Spreadsheet;

namespace MediaCenter.Reports;

/// <summary>
/// The chart sheet of a report pack: the <see cref="ReportPack.Trends"/> sheet holds one row per month and, for each indicator and
/// scope (party or application), its value and its target side by side; this draws one line chart per pair next to the table,
/// each chart's series referring to the sheet's cells, so the figures and the picture never disagree. MiniExcel writes the cells;
/// the Open XML SDK adds the drawing.
/// </summary>
public static class ReportCharts
{
    /// <summary>At most this many charts (indicator and scope pairs) per pack.</summary>
    public const int MaxCharts = 12;

    private const int ChartWidthColumns = 8;
    private const int ChartHeightRows = 16;

    /// <summary>The trend table: months as rows; for each of at most <see cref="MaxCharts"/> series a value column and a target column.</summary>
    public static List<Dictionary<string, object?>> TrendRows(IEnumerable<Dictionary<string, object?>> figures)
    {
        static string Series(Dictionary<string, object?> f) =>
            $"{f["Indicator"]} · {f["Party"]}{(f["Application"] is string { Length: > 0 } app ? "." + app : "")}";
        // One figure per month and series (the first, should a name repeat).
        var byKey = new Dictionary<(DateTime Month, string Series), Dictionary<string, object?>>();
        foreach (var f in figures)
        {
            byKey.TryAdd(((DateTime)f["Month"]!, Series(f)), f);
        }

        var series = byKey.Keys.Select(k => k.Series).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(MaxCharts).ToList();
        var months = byKey.Keys.Select(k => k.Month).Distinct().Order().ToList();
        // The target column is named in the pack's language, as every text of the pack is.
        var headers = series.Select(name => (Name: name, Target: MessageCatalog.Render(Msg.Of("indicator.trendTarget", ("series", name)))!)).ToList();
        var table = new List<Dictionary<string, object?>>();
        foreach (var month in months)
        {
            var row = new Dictionary<string, object?> { ["Month"] = month };
            foreach (var (name, target) in headers)
            {
                var figure = byKey.GetValueOrDefault((month, name));
                row[name] = figure?["Value"];
                row[target] = figure?["Target"];
            }

            table.Add(row);
        }

        return table;
    }

    /// <summary>Adds one line chart per value and target pair of the trend sheet; a sheet without series is left as it is.</summary>
    /// <param name="xlsx">The workbook, readable, writable and seekable.</param>
    /// <param name="sheet">The trend sheet's name.</param>
    /// <param name="months">Rows of data below the header.</param>
    /// <param name="series">The series' names, in column order (value column, then target column, for each).</param>
    public static void Draw(Stream xlsx, string sheet, int months, IReadOnlyList<string> series)
    {
        if (months == 0 || series.Count == 0)
        {
            return;
        }

        using var document = SpreadsheetDocument.Open(xlsx, isEditable: true);
        var workbook = document.WorkbookPart ?? throw new InvalidOperationException("The workbook has no workbook part.");
        var sheetId = workbook.Workbook.Descendants<Sheet>().First(s => s.Name == sheet).Id!.Value!;
        var worksheet = (WorksheetPart)workbook.GetPartById(sheetId);
        // MiniExcel may already have given the sheet an (empty) drawing: a worksheet holds one, so the charts join it.
        var drawings = worksheet.DrawingsPart ?? worksheet.AddNewPart<DrawingsPart>();
        drawings.WorksheetDrawing ??= new Xdr.WorksheetDrawing();
        var shapes = (uint)drawings.WorksheetDrawing.Descendants<Xdr.NonVisualDrawingProperties>().Count();

        var quoted = "'" + sheet.Replace("'", "''", StringComparison.Ordinal) + "'";
        var last = months + 1;
        var categories = $"{quoted}!$A$2:$A${last}";
        var left = (series.Count * 2) + 2;
        for (var i = 0; i < series.Count; i++)
        {
            var valueColumn = Column(2 + (2 * i));
            var targetColumn = Column(3 + (2 * i));
            var chart = drawings.AddNewPart<ChartPart>();
            chart.ChartSpace = ChartSpace(series[i], categories,
                [($"{quoted}!${valueColumn}$1", $"{quoted}!${valueColumn}$2:${valueColumn}${last}"),
                 ($"{quoted}!${targetColumn}$1", $"{quoted}!${targetColumn}$2:${targetColumn}${last}")]);
            var top = (i / 2) * ChartHeightRows;
            var from = left + ((i % 2) * ChartWidthColumns);
            drawings.WorksheetDrawing.Append(Anchor(drawings.GetIdOfPart(chart), shapes + (uint)i + 2, from, top));
        }

        drawings.WorksheetDrawing.Save();
        if (worksheet.Worksheet.Elements<Drawing>().Any())
        {
            worksheet.Worksheet.Save();
            return;
        }

        var drawing = new Drawing { Id = worksheet.GetIdOfPart(drawings) };
        // The drawing goes before the parts the schema puts after it, or at the end.
        var after = worksheet.Worksheet.Elements().FirstOrDefault(e => e is LegacyDrawing or LegacyDrawingHeaderFooter or Picture or OleObjects or Controls
            or WebPublishItems or TableParts or WorksheetExtensionList);
        if (after is null)
        {
            worksheet.Worksheet.Append(drawing);
        }
        else
        {
            worksheet.Worksheet.InsertBefore(drawing, after);
        }

        worksheet.Worksheet.Save();
    }

    /// <summary>The column's letters (1 = A).</summary>
    public static string Column(int number)
    {
        var name = "";
        for (; number > 0; number = (number - 1) / 26)
        {
            name = (char)('A' + ((number - 1) % 26)) + name;
        }

        return name;
    }

    private static C.ChartSpace ChartSpace(string title, string categories, (string Name, string Values)[] lines)
    {
        var lineChart = new C.LineChart(new C.Grouping { Val = C.GroupingValues.Standard }, new C.VaryColors { Val = false });
        for (var i = 0; i < lines.Length; i++)
        {
            lineChart.Append(new C.LineChartSeries(
                new C.Index { Val = (uint)i },
                new C.Order { Val = (uint)i },
                new C.SeriesText(new C.StringReference(new C.Formula(lines[i].Name))),
                new C.Marker(new C.Symbol { Val = C.MarkerStyleValues.Circle }),
                new C.CategoryAxisData(new C.NumberReference(new C.Formula(categories))),
                new C.Values(new C.NumberReference(new C.Formula(lines[i].Values))),
                new C.Smooth { Val = false }));
        }

        lineChart.Append(new C.ShowMarker { Val = true }, new C.AxisId { Val = 1 }, new C.AxisId { Val = 2 });
        return new C.ChartSpace(
            new C.RoundedCorners { Val = false },
            new C.Chart(
                new C.Title(
                    new C.ChartText(new C.RichText(new A.BodyProperties(), new A.ListStyle(), new A.Paragraph(new A.Run(new A.Text(title))))),
                    new C.Overlay { Val = false }),
                new C.AutoTitleDeleted { Val = false },
                new C.PlotArea(
                    new C.Layout(),
                    lineChart,
                    new C.DateAxis(
                        new C.AxisId { Val = 1 },
                        new C.Scaling(new C.Orientation { Val = C.OrientationValues.MinMax }),
                        new C.Delete { Val = false },
                        new C.AxisPosition { Val = C.AxisPositionValues.Bottom },
                        new C.NumberingFormat { FormatCode = "yyyy-mm", SourceLinked = false },
                        new C.TickLabelPosition { Val = C.TickLabelPositionValues.NextTo },
                        new C.CrossingAxis { Val = 2 },
                        new C.Crosses { Val = C.CrossesValues.AutoZero },
                        new C.AutoLabeled { Val = true },
                        new C.LabelOffset { Val = 100 },
                        new C.BaseTimeUnit { Val = C.TimeUnitValues.Months }),
                    new C.ValueAxis(
                        new C.AxisId { Val = 2 },
                        new C.Scaling(new C.Orientation { Val = C.OrientationValues.MinMax }),
                        new C.Delete { Val = false },
                        new C.AxisPosition { Val = C.AxisPositionValues.Left },
                        new C.MajorGridlines(),
                        new C.NumberingFormat { FormatCode = "General", SourceLinked = true },
                        new C.TickLabelPosition { Val = C.TickLabelPositionValues.NextTo },
                        new C.CrossingAxis { Val = 1 },
                        new C.Crosses { Val = C.CrossesValues.AutoZero },
                        new C.CrossBetween { Val = C.CrossBetweenValues.Between })),
                new C.Legend(new C.LegendPosition { Val = C.LegendPositionValues.Bottom }, new C.Overlay { Val = false }),
                new C.PlotVisibleOnly { Val = true }));
    }

    private static Xdr.TwoCellAnchor Anchor(string chartId, uint id, int column, int row) => new(
        new Xdr.FromMarker(new Xdr.ColumnId(column.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Xdr.ColumnOffset("0"),
            new Xdr.RowId(row.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Xdr.RowOffset("0")),
        new Xdr.ToMarker(new Xdr.ColumnId((column + ChartWidthColumns).ToString(System.Globalization.CultureInfo.InvariantCulture)), new Xdr.ColumnOffset("0"),
            new Xdr.RowId((row + ChartHeightRows - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)), new Xdr.RowOffset("0")),
        new Xdr.GraphicFrame(
            new Xdr.NonVisualGraphicFrameProperties(
                new Xdr.NonVisualDrawingProperties { Id = id, Name = "Chart " + (id - 1) },
                new Xdr.NonVisualGraphicFrameDrawingProperties()),
            new Xdr.Transform(new A.Offset { X = 0, Y = 0 }, new A.Extents { Cx = 0, Cy = 0 }),
            new A.Graphic(new A.GraphicData(new C.ChartReference { Id = chartId }) { Uri = "http://schemas.openxmlformats.org/drawingml/2006/chart" }))
        { Macro = "" },
        new Xdr.ClientData());
}

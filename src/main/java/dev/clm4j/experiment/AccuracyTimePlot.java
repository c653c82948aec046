package dev.clm4j.experiment;

import dev.clm4j.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * accuracy-vs-time.png: test accuracy against training time, one panel per dataset and setting,
 * one colour and marker per method (legend on top). Each method's mean over seeds is a large marker
 * with ± one standard deviation bars in both directions; single seeds are small hollow markers.
 * Drawn with Java2D, headless, and written by ImageIO.
 */
public final class AccuracyTimePlot {
    private static final int PANEL_W = 560;
    private static final int PANEL_H = 400;
    private static final int LEFT = 72;
    private static final int RIGHT = 24;
    private static final int TOP = 40;
    private static final int BOTTOM = 56;
    private static final int MAX_COLUMNS = 3;
    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf), new Color(0x7f7f7f), new Color(0xbcbd22)};
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 17);
    private static final Font PANEL_TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    private static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    private AccuracyTimePlot() {
    }

    /** Draws the figure; false (and nothing written) when no run succeeded. */
    public static boolean write(List<RunResult> results, List<String> methodOrder, Path png) throws IOException {
        List<RunResult> ok = results.stream().filter(RunResult::ok).toList();
        if (ok.isEmpty()) {
            return false;
        }
        BufferedImage image = draw(ok, methodOrder);
        AtomicFiles.write(png, out -> ImageIO.write(image, "png", out));
        return true;
    }

    static BufferedImage draw(List<RunResult> ok, List<String> methodOrder) {
        System.setProperty("java.awt.headless", "true");
        Map<ResultGroups.Key, Map<String, List<RunResult>>> groups = ResultGroups.of(ok, methodOrder);
        List<String> methods = new ArrayList<>();
        groups.values().forEach(g -> g.keySet().stream().filter(m -> !methods.contains(m)).forEach(methods::add));
        Map<String, Integer> style = new LinkedHashMap<>();
        for (int i = 0; i < methods.size(); i++) {
            style.put(methods.get(i), i);
        }

        int columns = Math.min(MAX_COLUMNS, groups.size());
        int rows = (groups.size() + columns - 1) / columns;
        int width = columns * PANEL_W;
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        int legendRows = legendRows(pg, methods, width);
        pg.dispose();
        int header = 44 + 26 * legendRows;
        int height = header + rows * PANEL_H;

        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(TITLE);
        // One panel is narrower than the full title: fall back to a short one rather than cut it.
        String title = "Test accuracy against training time (mean ± std over seeds; hollow: single seeds)";
        if (g.getFontMetrics().stringWidth(title) > width - 20) {
            title = "Accuracy vs training time (mean ± std; hollow: seeds)";
        }
        centered(g, title, width / 2, 26);
        drawLegend(g, methods, style, width, 44);

        int i = 0;
        for (Map.Entry<ResultGroups.Key, Map<String, List<RunResult>>> e : groups.entrySet()) {
            int x0 = (i % columns) * PANEL_W;
            int y0 = header + (i / columns) * PANEL_H;
            drawPanel(g, e.getKey().title(), e.getValue(), style, x0, y0);
            i++;
        }
        g.dispose();
        return image;
    }

    private static void drawPanel(Graphics2D g, String title, Map<String, List<RunResult>> byMethod,
                                  Map<String, Integer> style, int x0, int y0) {
        int px = x0 + LEFT;
        int py = y0 + TOP;
        int pw = PANEL_W - LEFT - RIGHT;
        int ph = PANEL_H - TOP - BOTTOM;
        g.setFont(PANEL_TITLE);
        g.setColor(Color.BLACK);
        centered(g, title, px + pw / 2, y0 + 26);

        double tMax = 0;
        double aMin = Double.MAX_VALUE;
        double aMax = -Double.MAX_VALUE;
        for (List<RunResult> rs : byMethod.values()) {
            for (RunResult r : rs) {
                tMax = Math.max(tMax, r.trainSeconds());
                aMin = Math.min(aMin, 100 * r.accuracy());
                aMax = Math.max(aMax, 100 * r.accuracy());
            }
            // the std bars too
            List<Double> ts = ResultGroups.values(rs, RunResult::trainSeconds);
            List<Double> as = ResultGroups.values(rs, RunResult::accuracy);
            if (ts.size() > 1) {
                tMax = Math.max(tMax, Stats.mean(ts) + Stats.std(ts));
                aMin = Math.min(aMin, 100 * (Stats.mean(as) - Stats.std(as)));
                aMax = Math.max(aMax, 100 * (Stats.mean(as) + Stats.std(as)));
            }
        }
        double[] xTicks = ticks(0, tMax <= 0 ? 1 : tMax * 1.05, 6);
        double pad = Math.max(0.5, 0.08 * (aMax - aMin));
        // the top may pass 100 so that a point at 100% is not cut by the frame; no label above 100
        double[] yTicks = ticks(Math.max(0, aMin - pad), aMax + pad, 6);
        Axis x = new Axis(xTicks[0], xTicks[xTicks.length - 1], px, px + pw);
        Axis y = new Axis(yTicks[0], yTicks[yTicks.length - 1], py + ph, py);

        // grid, ticks, frame
        g.setFont(TICK);
        FontMetrics fm = g.getFontMetrics();
        g.setStroke(new BasicStroke(1f));
        for (double t : xTicks) {
            int sx = (int) Math.round(x.map(t));
            g.setColor(new Color(0xE6E6E6));
            g.drawLine(sx, py, sx, py + ph);
            g.setColor(Color.BLACK);
            g.drawLine(sx, py + ph, sx, py + ph + 5);
            centered(g, tickLabel(t, xTicks), sx, py + ph + 7 + fm.getAscent());
        }
        for (double t : yTicks) {
            if (t > 100 + 1e-9) {
                continue;
            }
            int sy = (int) Math.round(y.map(t));
            g.setColor(new Color(0xE6E6E6));
            g.drawLine(px, sy, px + pw, sy);
            g.setColor(Color.BLACK);
            g.drawLine(px - 5, sy, px, sy);
            String s = tickLabel(t, yTicks);
            g.drawString(s, px - 8 - fm.stringWidth(s), sy + fm.getAscent() / 2 - 1);
        }
        g.setColor(Color.BLACK);
        g.drawRect(px, py, pw, ph);
        g.setFont(LABEL);
        centered(g, "training time (s)", px + pw / 2, y0 + PANEL_H - 12);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        centered(g, "test accuracy (%)", -(py + ph / 2), x0 + 20);
        g.setTransform(saved);

        // data: single seeds, then means with std bars
        Shape clip = g.getClip();
        g.setClip(new Rectangle2D.Double(px + 1, py + 1, pw - 1, ph - 1));
        for (Map.Entry<String, List<RunResult>> e : byMethod.entrySet()) {
            int s = style.get(e.getKey());
            g.setColor(COLORS[s % COLORS.length]);
            g.setStroke(new BasicStroke(1.3f));
            for (RunResult r : e.getValue()) {
                g.draw(marker(s, x.map(r.trainSeconds()), y.map(100 * r.accuracy()), 4.5));
            }
        }
        for (Map.Entry<String, List<RunResult>> e : byMethod.entrySet()) {
            int s = style.get(e.getKey());
            List<Double> ts = ResultGroups.values(e.getValue(), RunResult::trainSeconds);
            List<Double> as = ResultGroups.values(e.getValue(), RunResult::accuracy);
            double mt = Stats.mean(ts);
            double ma = 100 * Stats.mean(as);
            double mx = x.map(mt);
            double my = y.map(ma);
            Color c = COLORS[s % COLORS.length];
            g.setColor(c);
            g.setStroke(new BasicStroke(1.8f));
            if (as.size() > 1) {
                double sa = 100 * Stats.std(as);
                double st = Stats.std(ts);
                errorBar(g, mx, y.map(ma - sa), mx, y.map(ma + sa), true);
                errorBar(g, x.map(mt - st), my, x.map(mt + st), my, false);
            }
            Shape m = marker(s, mx, my, 7.5);
            g.fill(m);
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1f));
            g.draw(m);
        }
        g.setClip(clip);
    }

    private static void errorBar(Graphics2D g, double x1, double y1, double x2, double y2, boolean vertical) {
        g.draw(new Line2D.Double(x1, y1, x2, y2));
        double c = 4;
        if (vertical) {
            g.draw(new Line2D.Double(x1 - c, y1, x1 + c, y1));
            g.draw(new Line2D.Double(x2 - c, y2, x2 + c, y2));
        } else {
            g.draw(new Line2D.Double(x1, y1 - c, x1, y1 + c));
            g.draw(new Line2D.Double(x2, y2 - c, x2, y2 + c));
        }
    }

    private static int legendRows(Graphics2D g, List<String> methods, int width) {
        g.setFont(LABEL);
        FontMetrics fm = g.getFontMetrics();
        int rows = 1;
        int x = 20;
        for (String m : methods) {
            int w = 26 + fm.stringWidth(m) + 22;
            if (x + w > width - 20 && x > 20) {
                rows++;
                x = 20;
            }
            x += w;
        }
        return rows;
    }

    private static void drawLegend(Graphics2D g, List<String> methods, Map<String, Integer> style, int width, int top) {
        g.setFont(LABEL);
        FontMetrics fm = g.getFontMetrics();
        // lay out rows first so that each row can be centred
        List<List<String>> rows = new ArrayList<>();
        List<Integer> rowWidths = new ArrayList<>();
        List<String> row = new ArrayList<>();
        int w = 0;
        for (String m : methods) {
            int iw = 26 + fm.stringWidth(m) + 22;
            if (w + iw > width - 40 && !row.isEmpty()) {
                rows.add(row);
                rowWidths.add(w);
                row = new ArrayList<>();
                w = 0;
            }
            row.add(m);
            w += iw;
        }
        rows.add(row);
        rowWidths.add(w);
        for (int r = 0; r < rows.size(); r++) {
            int x = (width - rowWidths.get(r)) / 2;
            int cy = top + 13 + 26 * r;
            for (String m : rows.get(r)) {
                int s = style.get(m);
                Shape mk = marker(s, x + 9, cy, 7);
                g.setColor(COLORS[s % COLORS.length]);
                g.fill(mk);
                g.setColor(Color.BLACK);
                g.setStroke(new BasicStroke(1f));
                g.draw(mk);
                g.drawString(m, x + 24, cy + fm.getAscent() / 2 - 1);
                x += 26 + fm.stringWidth(m) + 22;
            }
        }
    }

    /** Marker shapes by style index: circle, square, triangle, diamond, inverted triangle, then again. */
    static Shape marker(int style, double cx, double cy, double r) {
        switch (style % 5) {
            case 0:
                return new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r);
            case 1: {
                double h = r * 0.88;
                return new Rectangle2D.Double(cx - h, cy - h, 2 * h, 2 * h);
            }
            case 2:
                return polygon(cx, cy, new double[] {0, -1.15 * r, 1.05 * r, 0.8 * r, -1.05 * r, 0.8 * r});
            case 3:
                return polygon(cx, cy, new double[] {0, -1.2 * r, 1.2 * r, 0, 0, 1.2 * r, -1.2 * r, 0});
            default:
                return polygon(cx, cy, new double[] {0, 1.15 * r, 1.05 * r, -0.8 * r, -1.05 * r, -0.8 * r});
        }
    }

    private static Shape polygon(double cx, double cy, double[] xy) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(cx + xy[0], cy + xy[1]);
        for (int i = 2; i < xy.length; i += 2) {
            p.lineTo(cx + xy[i], cy + xy[i + 1]);
        }
        p.closePath();
        return p;
    }

    private static void centered(Graphics2D g, String s, int cx, int baseline) {
        g.drawString(s, cx - g.getFontMetrics().stringWidth(s) / 2, baseline);
    }

    /** A linear map from data to pixels. */
    private record Axis(double lo, double hi, double from, double to) {
        double map(double v) {
            return from + (v - lo) / (hi - lo) * (to - from);
        }
    }

    /** Round tick values (1, 2 or 5 times a power of ten) covering [lo, hi], about {@code n} of them. */
    static double[] ticks(double lo, double hi, int n) {
        if (hi <= lo) {
            hi = lo + 1;
        }
        double step = niceStep((hi - lo) / Math.max(1, n - 1));
        double start = Math.floor(lo / step) * step;
        double end = Math.ceil(hi / step) * step;
        int count = (int) Math.round((end - start) / step) + 1;
        double[] t = new double[count];
        for (int i = 0; i < count; i++) {
            t[i] = start + i * step;
        }
        return t;
    }

    private static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
    }

    private static String tickLabel(double v, double[] ticks) {
        double step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
        int decimals = step >= 1 ? 0 : (int) Math.ceil(-Math.log10(step) - 1e-9);
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}

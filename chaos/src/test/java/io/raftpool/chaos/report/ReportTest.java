package io.raftpool.chaos.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.chaos.checker.Checker;
import io.raftpool.chaos.checker.SetChecker;
import io.raftpool.chaos.checker.Verdict;
import io.raftpool.chaos.history.Histories;
import io.raftpool.chaos.history.History;
import io.raftpool.chaos.history.Json;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class ReportTest {

    /** 10 s of writes with a kill-primary from 2 s to 4 s (a lost write) and a skipped fault at 6 s. */
    private static History history() {
        Histories h = Histories.builder().setup(Json.object().put("workload", "set").put("replication", "async"), 0);
        List<Long> present = new ArrayList<>();
        for (long i = 0; i < 100; i++) {
            double t = 10 + i * 100;
            if (t > 2000 && t < 3000) {
                h.invoke(0, "add", Json.of(i), t).fail(0, "add", Json.of(i), t + 20, "no primary <available> & \"refused\"");
            } else {
                h.write(0, "add", i, t, t + 5 + i % 7, t < 2000 ? 0 : 1, t < 2000 ? 1 : 2);
                if (i != 19) {
                    present.add(i);
                }
            }
        }
        h.fault(1, "kill-primary", 2000, 4000);
        h.invoke(-1, "kill-standby", Json.object().put("fault", 2).put("phase", "start"), 6000)
                .fail(-1, "kill-standby", Json.object().put("what", "skipped: no running standby"), 6001, "skipped");
        return h.finalRead(present, 10_100).build();
    }

    private static ReportData data() {
        History h = history();
        Verdict v = Checker.all("raftpool chaos", List.of(new SetChecker("add", false))).check(h);
        return new ReportData(Map.of("workload", "set", "seed", 42), v,
                new ReportData.Healing(true, "primary node 1 epoch 2 ACTIVE", 1200, List.of()), h,
                List.of(new Marker(2.6, "node 1 primary (epoch 2)")), List.of("history.jsonl", "logs/agent-0.log"));
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void thePageIsWellFormedAndShadesEveryFaultWindowOnBothPlots() throws Exception {
        String html = Report.html(data());
        Document doc = parse(html); // throws if not well-formed
        NodeList svgs = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "svg");
        assertThat(svgs.getLength()).isEqualTo(2);
        List<Element> faults = new ArrayList<>();
        NodeList rects = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect");
        for (int i = 0; i < rects.getLength(); i++) {
            Element r = (Element) rects.item(i);
            if ("fault".equals(r.getAttribute("class"))) {
                faults.add(r);
            }
        }
        assertThat(faults).hasSize(4); // two windows on each of the two plots
        Element kill = faults.get(0);
        assertThat(kill.getAttribute("data-fault")).isEqualTo("1");
        double end = history().endNs() / 1e9;
        assertThat(Double.parseDouble(kill.getAttribute("x"))).isCloseTo(Plots.x(2.0, end), org.assertj.core.data.Offset.offset(0.1));
        assertThat(Double.parseDouble(kill.getAttribute("width")))
                .isCloseTo(Plots.x(4.0, end) - Plots.x(2.0, end), org.assertj.core.data.Offset.offset(0.2));
        assertThat(kill.getTextContent()).contains("fault #1 kill-primary");
        assertThat(faults.get(1).getAttribute("fill")).isEqualTo("#bbbbbb"); // skipped: grey
        assertThat(html).contains("node 1 primary (epoch 2)", "class=\"op ok\"", "class=\"op fail\"", "class=\"rate ok\"");
        assertThat(html).contains("href=\"logs/agent-0.log\"");
    }

    @Test
    void theSummarySaysWhatWasFoundAndWhy(@TempDir Path dir) throws Exception {
        Report.write(dir, data());
        String text = Files.readString(dir.resolve("summary.txt"));
        assertThat(text).startsWith("raftpool chaos run: VALID\n").contains("seed: 42",
                "#1 kill-primary", "set: VALID", "lost=1", "! 1 acknowledged add(s) missing", "healed: yes");
        var json = Json.parse(Files.readString(dir.resolve("summary.json")));
        assertThat(json.get("result").asText()).isEqualTo("VALID");
        assertThat(json.get("operations").get("ok").asInt()).isEqualTo(90);
        assertThat(json.get("operations").get("fail").asInt()).isEqualTo(10);
        assertThat(json.get("faults").get(0).get("kind").asText()).isEqualTo("kill-primary");
        assertThat(json.get("faults").get(1).get("applied").asBoolean()).isFalse();
        assertThat(json.get("checkers").get(0).get("details").get("lost").asInt()).isEqualTo(1);
        parse(Files.readString(dir.resolve("index.html")));
    }

    @Test
    void anUnhealedClusterIsNotAPlainValidRun() {
        ReportData d = data();
        ReportData notHealed = new ReportData(d.run(), d.verdict(), new ReportData.Healing(false, "node 0 DOWN", 120_000,
                List.of("node 0: recovery-node not available")), d.history(), d.markers(), d.files());
        assertThat(notHealed.result()).isEqualTo("VALID, NOT HEALED");
        assertThat(Report.summaryText(notHealed)).contains("healed: NO", "recovery-node not available");
    }
}

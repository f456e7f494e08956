// The page's companion on the phone: the now-view, the lock screen, the log. Without this
// script every session still plays; nothing here leaves the phone.
(() => {
  "use strict";
  const page = JSON.parse(document.getElementById("page-data").textContent);
  const now = document.getElementById("nu");
  const field = (name) => now.querySelector(`[data-now="${name}"]`);
  const DAY_NAMES = ["zo", "ma", "di", "wo", "do", "vr", "za"];

  // The log: the days on which sessions were played to the end (or marked "Gedaan").
  const dayOf = (date) => {
    const pad = (n) => String(n).padStart(2, "0");
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  };
  const readLog = () => {
    try {
      const kept = JSON.parse(localStorage.getItem(page.log) || "[]");
      return Array.isArray(kept) ? kept : [];
    } catch (error) {
      return [];
    }
  };
  const writeLog = (entries) => {
    try {
      if (entries.length) localStorage.setItem(page.log, JSON.stringify(entries));
      else localStorage.removeItem(page.log);
    } catch (error) {
      // Storage refused (private mode): the log is shown for this visit only.
    }
    showLog(entries);
  };
  const record = (file) => writeLog([...readLog(), {day: dayOf(new Date()), file: file}]);

  const showLog = (entries) => {
    const log = document.getElementById("logboek");
    log.hidden = false;
    const [fewest, most] = page.times;
    const schedule = fewest === most ? `${fewest} keer` : `${fewest} tot ${most} keer`;
    const today = dayOf(new Date());
    const count = entries.filter((e) => e.day === today).length;
    log.querySelector('[data-log="today"]').textContent =
      `Vandaag ${count ? count + " keer" : "nog niet"}; het schema: ${schedule} per dag.`;
    const days = log.querySelector('[data-log="days"]');
    days.replaceChildren();
    for (let back = 13; back >= 0; back -= 1) {
      const date = new Date();
      date.setDate(date.getDate() - back);
      const done = entries.filter((e) => e.day === dayOf(date)).length;
      const item = document.createElement("li");
      item.className = done >= fewest ? "full" : done ? "some" : "";
      item.title = `${dayOf(date)}: ${done} keer`;
      const number = document.createElement("b");
      number.textContent = String(done);
      item.append(DAY_NAMES[date.getDay()], number);
      days.append(item);
    }
    // What to play today: the full session until it was done once, then the short one.
    for (const first of document.querySelectorAll("[data-first]")) {
      const after = first.parentElement.querySelector("[data-after]");
      const played = entries.some((e) => e.file === first.dataset.first);
      first.classList.toggle("go", !played || !after);
      if (after) after.classList.toggle("go", played);
    }
  };
  document.querySelector('[data-log="clear"]').addEventListener("click", (event) => {
    event.preventDefault();
    writeLog([]);
  });
  for (const button of document.querySelectorAll("button.done")) {
    button.hidden = false;
    button.addEventListener("click", () => record(button.dataset.file));
  }

  // The now-view: the step of the session's timeline at the player's time.
  const stepAt = (steps, ms) => {
    let low = 0;
    let high = steps.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (steps[middle][0] <= ms) low = middle;
      else high = middle - 1;
    }
    return steps[low];
  };
  const seconds = (n) => (n === 1 ? "1 seconde" : `${n} seconden`);
  const show = (session, ms) => {
    const [, exercise, set, sets, said, kind, until, countdown, next] = stepAt(session.steps, ms);
    field("exercise").textContent = exercise || session.title;
    field("set").textContent = sets > 1 && set > 0 ? `Serie ${set} van ${sets}` : "";
    field("word").textContent = kind === "count" || kind === "cue" ? said : "";
    field("line").textContent = kind === "speech" ? said : "";
    field("countdown").textContent =
      until > ms ? `${countdown}: nog ${seconds(Math.ceil((until - ms) / 1000))}` : "";
    field("next").textContent = next ? `Hierna: ${next}` : "";
    return exercise || session.title;
  };

  // The lock screen: what plays, and previous or next track to the exercises' chapters.
  const media = "mediaSession" in navigator ? navigator.mediaSession : null;
  let playing = null;
  const chapterStart = (session, time, step) => {
    const starts = session.chapters.map((c) => c[0]);
    if (step > 0) return starts.find((start) => start > time + 0.5);
    const current = starts.filter((start) => start <= time);
    const back = current.length && time - current[current.length - 1] < 3 ? 2 : 1;
    return current.length >= back ? current[current.length - back] : 0;
  };
  const skip = (step) => () => {
    if (!playing) return;
    const [audio, session] = playing;
    const start = chapterStart(session, audio.currentTime, step);
    if (start !== undefined) audio.currentTime = start;
  };
  if (media) {
    media.setActionHandler("previoustrack", skip(-1));
    media.setActionHandler("nexttrack", skip(1));
  }
  let shownTitle = "";
  const update = (audio, session) => {
    const title = show(session, audio.currentTime * 1000);
    if (media && typeof MediaMetadata !== "undefined" && title !== shownTitle) {
      shownTitle = title;
      media.metadata = new MediaMetadata({
        title: title === session.title ? title : `${session.title}: ${title}`,
        artist: page.artist,
        album: page.album,
      });
    }
  };

  for (const audio of document.querySelectorAll("audio[data-timeline]")) {
    const session = JSON.parse(document.getElementById(audio.dataset.timeline).textContent);
    const follow = () => update(audio, session);
    audio.addEventListener("play", () => {
      for (const other of document.querySelectorAll("audio")) if (other !== audio) other.pause();
      playing = [audio, session];
      shownTitle = "";
      audio.before(now);
      now.hidden = false;
      follow();
    });
    audio.addEventListener("timeupdate", follow);
    audio.addEventListener("seeked", follow);
    audio.addEventListener("ended", () => {
      record(audio.getAttribute("src"));
      field("word").textContent = "Klaar";
      field("countdown").textContent = "";
      field("next").textContent = "";
    });
  }

  showLog(readLog());
  if (page.webApp && "serviceWorker" in navigator && location.protocol.startsWith("http")) {
    navigator.serviceWorker.register("sw.js");
  }
})();

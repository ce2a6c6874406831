/* global AdaptiveCards, markdownit, document, window */
// Runs in the headless browser, after the Adaptive Cards renderer (adaptivecards.min.js) and
// markdown-it were loaded from node_modules. Defines window.renderGalleryCard, which parses,
// validates and renders one card into #card, and returns every event the renderer logged.
(function () {
  'use strict';

  // Teams renders Markdown in TextBlock and FactSet (escapes included); so does the gallery.
  const md = markdownit({ html: false, linkify: false, breaks: false });
  AdaptiveCards.AdaptiveCard.onProcessMarkdown = function (text, result) {
    result.outputHtml = md.render(text);
    result.didProcess = true;
  };

  /** Element types Teams renders and this renderer does not know: shown as a labelled box. */
  function registerTeamsOnly(typeName) {
    if (AdaptiveCards.GlobalRegistry.elements.findByName(typeName)) return;
    class TeamsOnlyElement extends AdaptiveCards.CardElement {
      getJsonTypeName() {
        return typeName;
      }
      internalRender() {
        const box = document.createElement('div');
        box.className = 'teams-only';
        box.textContent =
          typeName + ' (drawn by Teams; the JavaScript renderer has no ' + typeName + ')';
        return box;
      }
    }
    AdaptiveCards.GlobalRegistry.elements.register(typeName, TeamsOnlyElement);
  }

  function describe(event) {
    return {
      phase: AdaptiveCards.ValidationPhase[event.phase],
      kind: AdaptiveCards.ValidationEvent[event.event],
      message: event.message,
    };
  }

  function failure(what, e) {
    return {
      phase: 'Render',
      kind: 'Exception',
      message: what + ': ' + (e && e.stack ? e.stack : String(e)),
    };
  }

  window.renderGalleryCard = function (payload, hostConfig, teamsOnlyTypes) {
    teamsOnlyTypes.forEach(registerTeamsOnly);
    const events = [];
    const target = document.getElementById('card');
    target.innerHTML = '';

    const card = new AdaptiveCards.AdaptiveCard();
    card.hostConfig = new AdaptiveCards.HostConfig(hostConfig);
    const context = new AdaptiveCards.SerializationContext();
    try {
      card.parse(payload, context);
    } catch (e) {
      return { events: [failure('parse threw', e)] };
    }
    for (let i = 0; i < context.eventCount; i++) events.push(describe(context.getEventAt(i)));
    const validation = card.validateProperties();
    for (const event of validation.validationEvents) events.push(describe(event));

    let element;
    try {
      element = card.render();
    } catch (e) {
      return { events: events.concat([failure('render threw', e)]) };
    }
    if (!element) return { events: events.concat([failure('render returned nothing', '')]) };
    target.appendChild(element);
    return { events: events };
  };
})();
